// Session folders of a spool.
#include "support/spool.hpp"

#include "core/number_text.hpp"

#include <algorithm>

namespace bits::test {

std::vector<std::string> spool_session_folders(std::filesystem::path const& spool) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto const& entry : std::filesystem::directory_iterator(spool, ec)) {
    auto name = entry.path().filename().string();
    bool const hex =
        name.size() == 32 && std::all_of(name.begin(), name.end(), core::is_upper_hex_digit);
    if (hex && entry.is_directory(ec)) names.push_back(std::move(name));
  }
  return names;
}

}  // namespace bits::test
