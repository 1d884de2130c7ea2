#include "auth/htpasswd.hpp"  // first: proves the header is self-contained

#include "support/temp_dir.hpp"
#include "test_hashes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bits::auth {
namespace {

using test::make_hash;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class HtpasswdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bcrypt_ = make_hash("$2y$", "alice-pw");
    sha512_ = make_hash("$6$", "bob-pw");
    yescrypt_ = make_hash("$y$", "carol-pw");
    sha256_ = make_hash("$5$", "dave-pw");
    ASSERT_FALSE(bcrypt_.empty() || sha512_.empty() || yescrypt_.empty() || sha256_.empty());
  }

  // Parses `text` as file "f"; returns the problems.
  std::vector<std::string> problems_of(std::string const& text) {
    std::vector<std::string> problems;
    auto const r = parse_htpasswd(text, "f", problems);
    EXPECT_EQ(!r, !problems.empty());
    if (!r) {
      EXPECT_EQ(r.error(), make_error_code(auth_error::invalid_htpasswd));
    }
    return problems;
  }

  std::string bcrypt_, sha512_, yescrypt_, sha256_;
};

TEST_F(HtpasswdTest, LoadsEveryAcceptedSchemeWithCommentsBlankLinesAndCrlf) {
  std::string const text =
      "# users of the upload directory\n"
      "\n"
      "alice:" +
      bcrypt_ +
      "\n"
      "   \t\n"
      "  # indented comment\n"
      "bob:" +
      sha512_ +
      "\r\n"
      "carol:" +
      yescrypt_ +
      "  \t\n"
      "dave:" +
      sha256_;  // no final newline
  std::vector<std::string> problems;
  auto const r = parse_htpasswd(text, "users", problems);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_EQ(r->source, "users");
  ASSERT_EQ(r->users.size(), 4u);
  EXPECT_EQ(r->users.at("alice"), bcrypt_);
  EXPECT_EQ(r->users.at("bob"), sha512_);
  EXPECT_EQ(r->users.at("carol"), yescrypt_);
  EXPECT_EQ(r->users.at("dave"), sha256_);
}

TEST_F(HtpasswdTest, AnEmptyFileIsValidAndLetsNobodyIn) {
  std::vector<std::string> problems;
  auto const r = parse_htpasswd("# nobody yet\n\n", "f", problems);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->users.empty());
}

TEST_F(HtpasswdTest, UserNamesMayHoldSpacesAndUtf8) {
  std::vector<std::string> problems;
  auto const r = parse_htpasswd("J\xc3\xa9r\xc3\xb4me Dupont:" + bcrypt_, "f", problems);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->users.count("J\xc3\xa9r\xc3\xb4me Dupont"), 1u);
}

TEST_F(HtpasswdTest, RejectsWeakSchemesWithFileLineUserAndTheFix) {
  struct rejected {
    std::string hash;
    char const* what;
  };
  rejected const cases[] = {
      {"$apr1$GY8mQ0Oj$rVL1BdWvZ8T6t8K5p6QwB/", "MD5-crypt ($apr1$)"},
      {make_hash("$1$", "pw"), "MD5-crypt ($1$)"},
      {"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "unsalted SHA-1 ({SHA})"},
      {test::make_des_hash("pw"), "DES crypt"},
      {"hunter2", "a plain-text password"},
      {"$2x$05$abcdefghijklmnopqrstuu", "an unsupported crypt method"},
      {"", "an empty password hash"},
  };
  ASSERT_EQ(cases[1].hash.size(), 34u) << cases[1].hash;
  ASSERT_EQ(cases[3].hash.size(), 13u) << cases[3].hash;
  for (auto const& c : cases) {
    EXPECT_THAT(problems_of("# header\n\nalice:" + c.hash + "\n"),
                ElementsAre(std::string("f:3: user alice: ") + c.what +
                            " is not accepted; re-create the entry with htpasswd -B"))
        << c.hash;
  }
}

TEST_F(HtpasswdTest, ProblemLinesNeverQuoteAHashOrAPassword) {
  auto const problems = problems_of("alice:hunter2\nhunter3\nbob:" + bcrypt_.substr(0, 50));
  ASSERT_EQ(problems.size(), 3u);
  for (auto const& p : problems) {
    EXPECT_EQ(p.find("hunter"), std::string::npos) << p;
    EXPECT_EQ(p.find(bcrypt_.substr(7, 20)), std::string::npos) << p;
  }
}

TEST_F(HtpasswdTest, RejectsMalformedHashesOfAcceptedSchemes) {
  std::string const setting_only = yescrypt_.substr(0, yescrypt_.rfind('$') + 1);
  EXPECT_THAT(problems_of("alice:" + bcrypt_.substr(0, 59) + "\nbob:" + setting_only + "\n"),
              ElementsAre("f:1: user alice: malformed bcrypt ($2y$/$2b$/$2a$) hash; re-create "
                          "the entry with htpasswd -B",
                          "f:2: user bob: malformed yescrypt ($y$) hash; re-create the entry "
                          "with htpasswd -B"));
}

TEST_F(HtpasswdTest, ReportsEveryBadUserNameLine) {
  std::string const text = "alice" + bcrypt_ +
                           "\n"  // 1: no colon
                           ":" +
                           bcrypt_ +
                           "\n"  // 2: empty user
                           "al\tice:" +
                           bcrypt_ +
                           "\n"  // 3: control character
                           "al\x7f"
                           "ice:" +
                           bcrypt_ +
                           "\n"  // 4: DEL
                           " alice:" +
                           bcrypt_ +
                           "\n"  // 5: leading space
                           "alice :" +
                           bcrypt_ + "\n"                                   // 6: trailing space
                           + std::string(301, 'u') + ":" + bcrypt_ + "\n"   // 7: too long
                           + std::string(300, 'u') + ":" + bcrypt_ + "\n";  // 8: fine
  EXPECT_THAT(problems_of(text),
              ElementsAre("f:1: missing ':' between user name and password hash",
                          "f:2: empty user name", "f:3: user name contains a control character",
                          "f:4: user name contains a control character",
                          "f:5: user name begins or ends with a space",
                          "f:6: user name begins or ends with a space",
                          "f:7: user name is longer than 300 bytes"));
}

TEST_F(HtpasswdTest, DuplicateUserIsAnErrorEvenIfTheFirstEntryWasRejected) {
  std::string const text = "alice:" + bcrypt_ +
                           "\n"
                           "bob:$apr1$GY8mQ0Oj$rVL1BdWvZ8T6t8K5p6QwB/\n"
                           "# a comment\n"
                           "alice:" +
                           sha512_ +
                           "\n"
                           "bob:" +
                           sha512_ + "\n";
  EXPECT_THAT(problems_of(text),
              ElementsAre("f:2: user bob: MD5-crypt ($apr1$) is not accepted; re-create the "
                          "entry with htpasswd -B",
                          "f:4: user alice: duplicate entry (first defined on line 1)",
                          "f:5: user bob: duplicate entry (first defined on line 2)"));
}

TEST_F(HtpasswdTest, HtdigestLinesAreRejected) {
  // user:realm:md5 from htdigest: the "hash" is "realm:..." and is not a crypt hash.
  EXPECT_THAT(problems_of("alice:uploads:5f4dcc3b5aa765d61d8327deb882cf99\n"),
              ElementsAre("f:1: user alice: a plain-text password is not accepted; re-create "
                          "the entry with htpasswd -B"));
}

TEST_F(HtpasswdTest, LoadsFromAFile) {
  bits::test::temp_dir dir;
  std::string const path = (dir / "users.htpasswd").string();
  std::ofstream(path) << "alice:" << bcrypt_ << "\nbob:" << sha512_ << "\n";
  std::vector<std::string> problems;
  auto const r = load_htpasswd(path, problems);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_EQ(r->source, path);
  EXPECT_EQ(r->users.size(), 2u);
}

TEST_F(HtpasswdTest, FileProblemsNameThePathAndLine) {
  bits::test::temp_dir dir;
  std::string const path = (dir / "users.htpasswd").string();
  std::ofstream(path) << "alice:" << bcrypt_ << "\n\nbob:$1$abcdefgh$abcdefghijklmnopqrstuv\n";
  std::vector<std::string> problems;
  auto const r = load_htpasswd(path, problems);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(auth_error::invalid_htpasswd));
  EXPECT_THAT(problems, ElementsAre(path + ":3: user bob: MD5-crypt ($1$) is not accepted; "
                                           "re-create the entry with htpasswd -B"));
}

TEST_F(HtpasswdTest, MissingFileIsTheSystemError) {
  bits::test::temp_dir dir;
  std::string const path = (dir / "absent").string();
  std::vector<std::string> problems;
  auto const r = load_htpasswd(path, problems);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), boost::system::errc::no_such_file_or_directory);
  EXPECT_THAT(problems, ElementsAre(path + ": cannot open: No such file or directory"));
}

TEST_F(HtpasswdTest, DirectoryIsNotARegularFile) {
  bits::test::temp_dir dir;
  std::vector<std::string> problems;
  auto const r = load_htpasswd(dir.path().string(), problems);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(auth_error::not_a_regular_file));
  EXPECT_THAT(problems, ElementsAre(dir.path().string() + ": not a regular file"));
}

TEST_F(HtpasswdTest, RefusesFilesOver16MiB) {
  bits::test::temp_dir dir;
  auto const path = dir / "huge";
  std::ofstream(path).put('#');
  std::filesystem::resize_file(path, std::size_t{16} * 1024 * 1024 + 1);  // sparse
  std::vector<std::string> problems;
  auto const r = load_htpasswd(path.string(), problems);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(auth_error::htpasswd_too_large));
  EXPECT_THAT(problems, ElementsAre(path.string() + ": larger than 16 MiB"));
}

}  // namespace
}  // namespace bits::auth
