// Where the keys come from: environment variables and AWS shared credentials files.
#include "s3/credentials.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace bits::s3 {
namespace {

/// Sets (or unsets, with nullptr) an environment variable for the scope.
class scoped_env {
 public:
  scoped_env(char const* name, char const* value) : name_(name) {
    if (char const* old = std::getenv(name)) old_ = old;
    if (value == nullptr) {
      ::unsetenv(name);
    } else {
      ::setenv(name, value, 1);
    }
  }
  ~scoped_env() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  scoped_env(scoped_env const&) = delete;
  scoped_env& operator=(scoped_env const&) = delete;

 private:
  char const* name_;
  std::optional<std::string> old_;
};

TEST(Credentials, FromEnvironment) {
  scoped_env a("AWS_ACCESS_KEY_ID", "AK");
  scoped_env s("AWS_SECRET_ACCESS_KEY", "SK");
  scoped_env t("AWS_SESSION_TOKEN", "TOK");
  auto c = credentials_from_environment();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "AK");
  EXPECT_EQ(c->secret_key, "SK");
  EXPECT_EQ(c->session_token, "TOK");
}

TEST(Credentials, EnvironmentNeedsBothKeys) {
  scoped_env a("AWS_ACCESS_KEY_ID", "AK");
  scoped_env s("AWS_SECRET_ACCESS_KEY", nullptr);
  EXPECT_FALSE(credentials_from_environment());
}

TEST(Credentials, FileProfiles) {
  test::temp_dir dir;
  std::string const path = dir.path().string() + "/credentials";
  std::ofstream(path) << "# comment\n[default]\naws_access_key_id = DEF\n"
                         "aws_secret_access_key=defsecret\n\n[farm]\n"
                         "aws_access_key_id=FARM\r\naws_secret_access_key = farm secret \n"
                         "; aws_session_token = no\n";
  auto d = credentials_from_file(path, "default");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->access_key, "DEF");
  EXPECT_EQ(d->secret_key, "defsecret");
  auto f = credentials_from_file(path, "farm");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->access_key, "FARM");
  EXPECT_EQ(f->secret_key, "farm secret");
  EXPECT_TRUE(f->session_token.empty());

  auto other = credentials_from_file(path, "other");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), error::storage_failure);
  EXPECT_NE(other.error().message().find("[other]"), std::string::npos);
  // Never a secret in a message.
  EXPECT_EQ(other.error().message().find("defsecret"), std::string::npos);
  auto missing = credentials_from_file(dir.path().string() + "/missing", "default");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("cannot read"), std::string::npos);
  EXPECT_EQ(missing.error(), boost::system::error_code(ENOENT, boost::system::generic_category()));
}

TEST(Credentials, NamedFileWinsOverEnvironment) {
  test::temp_dir dir;
  std::string const path = dir.path().string() + "/c";
  std::ofstream(path) << "[default]\naws_access_key_id=FILE\naws_secret_access_key=f\n";
  scoped_env a("AWS_ACCESS_KEY_ID", "ENV");
  scoped_env s("AWS_SECRET_ACCESS_KEY", "e");
  scoped_env p("AWS_PROFILE", nullptr);
  auto c = find_credentials(path);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "FILE");
  auto e = find_credentials("");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->access_key, "ENV");
}

TEST(Credentials, SharedFileWhenNoEnvironment) {
  test::temp_dir dir;
  std::string const path = dir.path().string() + "/shared";
  std::ofstream(path) << "[p2]\naws_access_key_id=P2\naws_secret_access_key=x\n";
  scoped_env a("AWS_ACCESS_KEY_ID", nullptr);
  scoped_env s("AWS_SECRET_ACCESS_KEY", nullptr);
  scoped_env f("AWS_SHARED_CREDENTIALS_FILE", path.c_str());
  scoped_env p("AWS_PROFILE", "p2");
  auto c = find_credentials("");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "P2");
}

}  // namespace
}  // namespace bits::s3
