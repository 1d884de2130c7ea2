#include "core/message.hpp"  // first: proves the header is self-contained

#include "core/wire_error.hpp"

#include <gtest/gtest.h>

namespace bits::core {
namespace {

TEST(Iequals, ComparesAsciiIgnoringCase) {
  EXPECT_TRUE(iequals("BITS-Packet-Type", "bits-packet-type"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Ping", "Pin"));
  EXPECT_FALSE(iequals("Ping", "Pong"));
  EXPECT_FALSE(iequals("a-b", "a_b"));
}

TEST(RequestHead, HeaderLookupIgnoresNameCase) {
  request_head req;
  req.fields = {{"bits-packet-type", "Fragment"}, {"Content-Range", "bytes 0-9/10"}};
  EXPECT_EQ(req.header("BITS-Packet-Type"), "Fragment");
  EXPECT_EQ(req.header("CONTENT-RANGE"), "bytes 0-9/10");
  EXPECT_EQ(req.header("BITS-Session-Id"), std::nullopt);
}

TEST(RequestHead, HeaderReturnsTheFirstValue) {
  request_head req;
  req.fields = {{"X-A", "one"}, {"x-a", "two"}};
  EXPECT_EQ(req.header("X-A"), "one");
}

TEST(RequestHead, EmptyValueIsPresent) {
  request_head req;
  req.fields = {{"BITS-Supported-Protocols", ""}};
  auto const v = req.header(header::supported_protocols);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->empty());
}

TEST(Reply, SetAppendsNewFields) {
  reply r;
  r.set("A", "1").set("B", "2");
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0], (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ(r.fields[1], (std::pair<std::string, std::string>{"B", "2"}));
}

TEST(Reply, SetReplacesAFieldOfTheSameNameInPlace) {
  reply r;
  r.set("BITS-Session-Id", "{old}").set("Other", "x").set("bits-session-id", "{new}");
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0].second, "{new}");
  EXPECT_EQ(r.header("BITS-SESSION-ID"), "{new}");
  EXPECT_EQ(r.header("Missing"), std::nullopt);
}

TEST(MakeAck, IsStatus200WithPacketTypeAck) {
  reply const r = make_ack();
  EXPECT_EQ(r.status, 200u);
  EXPECT_FALSE(r.close);
  ASSERT_EQ(r.fields.size(), 1u);
  EXPECT_EQ(r.fields[0].first, "BITS-Packet-Type");
  EXPECT_EQ(r.fields[0].second, "Ack");
}

TEST(MakeAck, TakesAStatus) {
  EXPECT_EQ(make_ack(416).status, 416u);
}

TEST(MakeErrorAck, SessionNotFoundCarriesCodeAndContext) {
  reply const r = make_error_ack(error::session_not_found);
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.header("BITS-Packet-Type"), "Ack");
  EXPECT_EQ(r.header("BITS-Error-Code"), "0x8020001F");
  EXPECT_EQ(r.header("BITS-Error-Context"), "0x5");
  EXPECT_EQ(r.fields.size(), 3u);
}

TEST(MakeErrorAck, FragmentTooLargeHasNoErrorHeaders) {
  reply const r = make_error_ack(error::fragment_too_large);
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.header("BITS-Packet-Type"), "Ack");
  EXPECT_EQ(r.header("BITS-Error-Code"), std::nullopt);
  EXPECT_EQ(r.header("BITS-Error-Context"), std::nullopt);
  EXPECT_EQ(r.header("BITS-Error"), std::nullopt);
}

TEST(MakeErrorAck, RangeNotContiguousSendsCodeZero) {
  reply const r = make_error_ack(error::range_not_contiguous);
  EXPECT_EQ(r.status, 416u);
  EXPECT_EQ(r.header("BITS-Error-Code"), "0x0");
  EXPECT_EQ(r.header("BITS-Error-Context"), "0x5");
}

TEST(MakeErrorAck, UploadsDisabledIs501AccessDenied) {
  reply const r = make_error_ack(error::uploads_disabled);
  EXPECT_EQ(r.status, 501u);
  EXPECT_EQ(r.header("BITS-Error-Code"), "0x80070005");
  EXPECT_EQ(r.header("BITS-Error-Context"), "0x5");
}

TEST(MakeErrorAck, EveryErrorAgreesWithTheTable) {
  for (int v = 1; v <= static_cast<int>(error::too_many_sessions); ++v) {
    auto const e = static_cast<error>(v);
    wire_error const w = to_wire(e);
    reply const r = make_error_ack(e);
    EXPECT_EQ(r.status, w.status) << v;
    EXPECT_EQ(r.header("BITS-Packet-Type"), "Ack") << v;
    if (w.code) {
      EXPECT_EQ(r.header("BITS-Error-Code"), format_hresult(*w.code)) << v;
      EXPECT_EQ(r.header("BITS-Error-Context"), format_error_context(w.context)) << v;
    } else {
      EXPECT_EQ(r.header("BITS-Error-Code"), std::nullopt) << v;
    }
  }
}

TEST(MakeErrorAck, FieldsCanBeAddedAfterwards) {
  reply r = make_error_ack(error::range_not_contiguous);
  r.set(header::received_content_range, "4096");
  EXPECT_EQ(r.header("BITS-Received-Content-Range"), "4096");
  EXPECT_EQ(r.fields.size(), 4u);
}

}  // namespace
}  // namespace bits::core
