// Finding (or starting) the test realm and pointing the process at it.
#include "negotiate/krb5_realm.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace bits::test {
namespace {

std::map<std::string, std::string> read_env(std::string const& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    auto const eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return kv;
}

std::string own_dir;  // a realm this process started, stopped at exit

void stop_own_realm() {
  if (own_dir.empty()) return;
  std::string const command = std::string(BITS_KRB5_REALM_SCRIPT) + " stop '" + own_dir + "'";
  static_cast<void>(std::system(command.c_str()));
  std::filesystem::remove(std::filesystem::path(own_dir).parent_path());  // the mkdtemp folder
}

// Without ctest's fixture: a realm of our own under $TMPDIR.
std::string start_own_realm() {
  char const* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/openbits-krb5-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  own_dir = pattern + "/realm";
  std::string const command =
      std::string(BITS_KRB5_REALM_SCRIPT) + " start '" + own_dir + "' >/dev/null";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("scripts/krb5-realm.sh start failed");
  }
  std::atexit(stop_own_realm);
  return own_dir + "/env";
}

krb5_realm load() {
  char const* named = std::getenv("BITS_KRB5_ENV");
  std::string const env_file = named != nullptr ? std::string(named) : start_own_realm();
  auto kv = read_env(env_file);
  krb5_realm r{kv["BITS_KRB5_DIR"], kv["BITS_KRB5_REALM"]};
  if (r.dir.empty() || kv["KRB5_CONFIG"].empty()) {
    throw std::runtime_error(env_file + " does not describe a realm");
  }
  setenv("KRB5_CONFIG", kv["KRB5_CONFIG"].c_str(), 1);
  setenv("KRB5_KDC_PROFILE", kv["KRB5_KDC_PROFILE"].c_str(), 1);
  // No default credentials: every test names its ccache, keytab and NTLM file.
  setenv("KRB5CCNAME", ("FILE:" + r.file("default.ccache")).c_str(), 1);
  setenv("KRB5_KTNAME", ("FILE:" + r.file("default.keytab")).c_str(), 1);
  unsetenv("NTLM_USER_FILE");
  unsetenv("NTLMUSER");
  unsetenv("KRB5RCACHETYPE");
  return r;
}

}  // namespace

krb5_realm const& krb5() {
  static krb5_realm const realm = [] {
    try {
      return load();
    } catch (std::exception const& e) {
      ADD_FAILURE() << "no Kerberos realm: " << e.what();
      throw;
    }
  }();
  return realm;
}

}  // namespace bits::test
