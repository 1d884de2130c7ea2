// The executable hook (hook_command): the event's JSON on standard input, the answer
// in the exit status (0 accepted, anything else refused) and standard output (a
// pre-create refusal's details, pre_create.hpp). The program runs with the server's
// environment plus OPENBITS_HOOK_EVENT (the event type) and OPENBITS_HOOK_ID (the event
// id), in its own process group, which is killed when the time limit passes. No shell
// is involved; a command that needs one names it ("/bin/sh", "-c", "...").
#pragma once

#include "hooks/hook.hpp"
#include "hooks/process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace bits::hooks {

struct exec_hook_options {
  /// The program's path and its arguments (argv).
  std::vector<std::string> command;
  /// Time limit and output bounds of one call.
  process_limits limits;
};

/// An exec hook. Errors: invalid_argument (system category) for an empty command or a
/// program path that is not absolute.
[[nodiscard]] result<std::unique_ptr<hook>> make_exec_hook(exec_hook_options options);

}  // namespace bits::hooks
