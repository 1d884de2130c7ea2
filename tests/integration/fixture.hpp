// The integration suite's fixture is the shared one: daemon_test and the Ack checks
// (tests/support/daemon_test.hpp, tests/support/ack.hpp).
#pragma once

#include "support/ack.hpp"
#include "support/daemon_test.hpp"
