// Checking an NTLM user file the way gss-ntlmssp will read it (src/gss_creds.c,
// get_user_file_creds: fgets into 1024 bytes, '#' comments, fields split at ':').
#include "auth/ntlm_users.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace bits::auth {

negotiate_result<ntlm_users_summary> check_ntlm_users(std::string const& path) {
  auto const unavailable = [&](std::string const& why) {
    return negotiate_failure{negotiate_errc::credentials_unavailable, 0, 0,
                             "ntlm_users " + path + ": " + why};
  };
  std::error_code ec;
  auto const status = std::filesystem::status(path, ec);
  if (ec) return unavailable(ec.message());
  if (!std::filesystem::is_regular_file(status)) return unavailable("not a regular file");
  auto const size = std::filesystem::file_size(path, ec);
  if (ec) return unavailable(ec.message());
  if (size > max_ntlm_users_bytes) return unavailable("larger than 16 MiB");
  std::ifstream in(path);
  if (!in) return unavailable(std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)

  ntlm_users_summary out;
  std::vector<std::size_t> skipped;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.size() >= 1023) {
      return unavailable("line " + std::to_string(number) + " is longer than 1022 bytes");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    auto const colons = static_cast<std::size_t>(std::count(line.begin(), line.end(), ':'));
    if (colons == 2) {
      ++out.plaintext_accounts;
    } else if (colons >= 4) {
      ++out.hashed_accounts;
    } else {
      skipped.push_back(number);
    }
  }
  if (out.hashed_accounts + out.plaintext_accounts == 0) {
    return unavailable("holds no account (DOMAIN:user:password or smbpasswd lines)");
  }
  if (out.plaintext_accounts > 0) {
    out.warnings.push_back(
        "ntlm_users " + path + ": " + std::to_string(out.plaintext_accounts) +
        " account(s) with a plain-text password; gss-ntlmssp 1.2.0 leaks about 6 KiB of memory "
        "per NTLM logon of such an account: write NT hashes (smbpasswd lines) instead");
  }
  for (std::size_t const number : skipped) {
    out.warnings.push_back("ntlm_users " + path + ":" + std::to_string(number) +
                           ": neither DOMAIN:user:password nor an smbpasswd line; ignored");
  }
  return out;
}

}  // namespace bits::auth
