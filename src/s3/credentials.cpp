// Credentials from the environment and from AWS shared credentials files.
#include "s3/credentials.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>

namespace bits::s3 {

namespace {

std::string env(char const* name) {
  char const* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string trim(std::string const& s) {
  auto const first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  auto const last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

status missing(std::string text) {
  return {error::storage_failure, cause(std::move(text))};
}

}  // namespace

std::optional<credentials> credentials_from_environment() {
  credentials c{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  if (c.access_key.empty() || c.secret_key.empty()) return std::nullopt;
  return c;
}

status_or<credentials> credentials_from_file(std::string const& path, std::string const& profile) {
  std::ifstream in(path);
  if (!in) {
    int const err = errno;
    return status{error::storage_failure,
                  cause("cannot read credentials file '" + path + "'",
                        {err == 0 ? ENOENT : err, boost::system::generic_category()})};
  }
  credentials c;
  std::string section;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    if (section != profile) continue;
    auto const eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto const name = trim(line.substr(0, eq));
    auto const value = trim(line.substr(eq + 1));
    if (name == "aws_access_key_id") c.access_key = value;
    if (name == "aws_secret_access_key") c.secret_key = value;
    if (name == "aws_session_token") c.session_token = value;
  }
  if (c.access_key.empty() || c.secret_key.empty()) {
    return missing("credentials file '" + path + "' has no aws_access_key_id and " +
                   "aws_secret_access_key in profile [" + profile + "]");
  }
  return c;
}

status_or<credentials> find_credentials(std::string const& path) {
  std::string profile = env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  if (!path.empty()) return credentials_from_file(path, profile);
  if (auto c = credentials_from_environment()) return std::move(*c);
  std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
  if (file.empty()) {
    return missing("no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and no credentials file");
  }
  auto c = credentials_from_file(file, profile);
  if (!c) {
    auto const why = c.error().why();
    return status{error::storage_failure,
                  cause("no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; " + why.operation, why.detail,
                        why.message)};
  }
  return c;
}

}  // namespace bits::s3
