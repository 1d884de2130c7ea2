// What a test may look at in a spool: the session folders, told apart from the spool's
// own files (the tombstone journal).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bits::test {

/// Names of the session folders in `spool` (32 upper-case hex digits each); empty when
/// the spool does not exist.
[[nodiscard]] std::vector<std::string> spool_session_folders(std::filesystem::path const& spool);

}  // namespace bits::test
