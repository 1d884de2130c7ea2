// The net layer's URL helpers (curl_url): host replacement for BITS-Host-Id and reply
// URL resolution.
#include "net/url.hpp"

#include <gtest/gtest.h>

namespace bits::net {
namespace {

TEST(Url, NormalizeAcceptsOnlyAbsoluteHttp) {
  EXPECT_EQ(*normalize_url("http://h:8080/up/a.bin"), "http://h:8080/up/a.bin");
  EXPECT_TRUE(normalize_url("https://h/a"));
  EXPECT_FALSE(normalize_url("h/a"));
  EXPECT_FALSE(normalize_url("ftp://h/a"));
  EXPECT_FALSE(normalize_url(""));
}

TEST(Url, ReplaceHostKeepsSchemePortPathAndQuery) {
  EXPECT_EQ(*replace_host("https://farm.test:8443/up/a.bin?x=1", "node7.test"),
            "https://node7.test:8443/up/a.bin?x=1");
  EXPECT_EQ(*replace_host("http://farm.test/up/a", "10.0.0.7"), "http://10.0.0.7/up/a");
  EXPECT_EQ(*replace_host("http://farm.test/up/a", "fe80::1"), "http://[fe80::1]/up/a");
  EXPECT_EQ(*replace_host("http://farm.test/up/a", "[fe80::1]"), "http://[fe80::1]/up/a");
  EXPECT_FALSE(replace_host("http://farm.test/up/a", "bad host"));
}

TEST(Url, ResolvesRelativeReplyReferences) {
  EXPECT_EQ(*resolve_reference("http://h/up/a.bin", "BITS-Sessions/Replies/{ID}/r.bin"),
            "http://h/up/BITS-Sessions/Replies/%7BID%7D/r.bin");
  EXPECT_EQ(*resolve_reference("http://h/up/a.bin", "/r/1"), "http://h/r/1");
  EXPECT_EQ(*resolve_reference("http://h/up/a.bin", "https://other/r"), "https://other/r");
}

}  // namespace
}  // namespace bits::net
