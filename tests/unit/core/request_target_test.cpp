#include "core/request_target.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

struct absolute_case {
  char const* name;
  std::string target;
  std::string authority;
  std::string origin;
};

class AbsoluteForm : public ::testing::TestWithParam<absolute_case> {};

TEST_P(AbsoluteForm, SplitsIntoAuthorityAndOriginForm) {
  auto const& c = GetParam();
  ASSERT_TRUE(is_absolute_form(c.target)) << c.target;
  auto const split = split_absolute_form(c.target);
  ASSERT_TRUE(split.has_value()) << c.target;
  EXPECT_EQ(split->authority, c.authority);
  EXPECT_EQ(split->origin, c.origin);
}

INSTANTIATE_TEST_SUITE_P(
    Table, AbsoluteForm,
    ::testing::Values(
        absolute_case{"Plain", "http://host/up/a.bin", "host", "/up/a.bin"},
        absolute_case{"Port", "http://127.0.0.1:8080/up/a.bin", "127.0.0.1:8080", "/up/a.bin"},
        absolute_case{"Https", "https://files.example.com/a", "files.example.com", "/a"},
        absolute_case{"SchemeAnyCase", "HTTP://Host/a", "Host", "/a"},
        absolute_case{"Query", "http://h/up/a?x=1&y=%2F", "h", "/up/a?x=1&y=%2F"},
        absolute_case{"EmptyPath", "http://h", "h", "/"},
        absolute_case{"EmptyPathWithQuery", "http://h?x=1", "h", "/?x=1"},
        absolute_case{"FragmentDropped", "http://h/a#frag", "h", "/a"},
        absolute_case{"Ipv6", "http://[::1]:8080/a", "[::1]:8080", "/a"}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(AbsoluteForm, OriginFormIsNotAbsolute) {
  EXPECT_FALSE(is_absolute_form("/up/a.bin"));
  EXPECT_FALSE(is_absolute_form("/up/http://x"));
  EXPECT_FALSE(is_absolute_form("*"));
  EXPECT_FALSE(is_absolute_form(""));
  EXPECT_FALSE(is_absolute_form("://h/a"));
  EXPECT_FALSE(is_absolute_form("1http://h/a"));
}

TEST(AbsoluteForm, RefusesOtherSchemesUserinfoAndEmptyHosts) {
  for (std::string const target :
       {"ftp://h/a", "file:///etc/passwd", "http:///a", "http://user:pw@h/a", "http://@h/a",
        "http://h\"x/a", "http://h<x>/a", "mailto://h/a"}) {
    ASSERT_TRUE(is_absolute_form(target)) << target;
    auto const split = split_absolute_form(target);
    ASSERT_FALSE(split.has_value()) << target;
    EXPECT_EQ(split.error(), error::invalid_path) << target;
  }
}

}  // namespace
}  // namespace bits::core
