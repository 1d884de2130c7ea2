#include "core/protocol.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

struct packet_case {
  std::string_view text;
  std::optional<packet_type> expected;
};

class ParsePacketType : public ::testing::TestWithParam<packet_case> {};

TEST_P(ParsePacketType, MatchesWholeTokenIgnoringCase) {
  EXPECT_EQ(parse_packet_type(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParsePacketType,
    ::testing::Values(
        packet_case{"Ping", packet_type::ping}, packet_case{"PING", packet_type::ping},
        packet_case{"ping", packet_type::ping},
        packet_case{"Create-Session", packet_type::create_session},
        packet_case{"CREATE-SESSION", packet_type::create_session},
        packet_case{"cReAtE-sEsSiOn", packet_type::create_session},
        packet_case{"Fragment", packet_type::fragment},
        packet_case{"FRAGMENT", packet_type::fragment},
        packet_case{"Close-Session", packet_type::close_session},
        packet_case{"close-session", packet_type::close_session},
        packet_case{"Cancel-Session", packet_type::cancel_session},
        packet_case{"CANCEL-SESSION", packet_type::cancel_session},
        packet_case{"Ack", packet_type::ack}, packet_case{"ACK", packet_type::ack},
        packet_case{"", std::nullopt}, packet_case{" Ping", std::nullopt},
        packet_case{"Ping ", std::nullopt}, packet_case{"Pin", std::nullopt},
        packet_case{"Pings", std::nullopt}, packet_case{"CreateSession", std::nullopt},
        packet_case{"Create_Session", std::nullopt}, packet_case{"Create-Session\t", std::nullopt},
        packet_case{"Fragment,Ping", std::nullopt}, packet_case{"Upload", std::nullopt},
        packet_case{std::string_view("Ping\0", 5), std::nullopt}));

TEST(PacketType, ToStringIsTheWindowsSpelling) {
  EXPECT_EQ(to_string(packet_type::ping), "Ping");
  EXPECT_EQ(to_string(packet_type::create_session), "Create-Session");
  EXPECT_EQ(to_string(packet_type::fragment), "Fragment");
  EXPECT_EQ(to_string(packet_type::close_session), "Close-Session");
  EXPECT_EQ(to_string(packet_type::cancel_session), "Cancel-Session");
  EXPECT_EQ(to_string(packet_type::ack), "Ack");
}

TEST(PacketType, ToStringParsesBack) {
  for (auto const t : {packet_type::ping, packet_type::create_session, packet_type::fragment,
                       packet_type::close_session, packet_type::cancel_session, packet_type::ack}) {
    EXPECT_EQ(parse_packet_type(to_string(t)), t);
  }
}

TEST(PacketType, OnlyFragmentCarriesABody) {
  EXPECT_TRUE(is_bodiless(packet_type::ping));
  EXPECT_TRUE(is_bodiless(packet_type::create_session));
  EXPECT_FALSE(is_bodiless(packet_type::fragment));
  EXPECT_TRUE(is_bodiless(packet_type::close_session));
  EXPECT_TRUE(is_bodiless(packet_type::cancel_session));
}

constexpr std::string_view ours = "{7df0354d-249b-430f-820d-3d2a9bef4931}";
constexpr std::string_view other = "{00000000-0000-0000-0000-000000000001}";

struct negotiate_case {
  char const* name;
  std::string list;
  bool matches;
};

class NegotiateProtocol : public ::testing::TestWithParam<negotiate_case> {};

TEST_P(NegotiateProtocol, FindsOurGuid) {
  auto const chosen = negotiate_protocol(GetParam().list);
  if (GetParam().matches) {
    ASSERT_TRUE(chosen.has_value()) << GetParam().list;
    EXPECT_EQ(*chosen, ours);  // always our canonical spelling
    EXPECT_EQ(*chosen, upload_protocol_guid);
  } else {
    EXPECT_EQ(chosen, std::nullopt) << GetParam().list;
  }
}

std::string repeated(std::string_view guid, int n, std::string_view sep) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += guid;
    out += sep;
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, NegotiateProtocol,
    ::testing::Values(
        negotiate_case{"OnlyOurs", std::string(ours), true},
        negotiate_case{"UpperCase", "{7DF0354D-249B-430F-820D-3D2A9BEF4931}", true},
        negotiate_case{"MixedCase", "{7Df0354d-249B-430f-820D-3d2a9bEF4931}", true},
        negotiate_case{"OursFirst", std::string(ours) + " " + std::string(other), true},
        negotiate_case{"OursLastSpace", std::string(other) + " " + std::string(ours), true},
        negotiate_case{"OursLastComma", std::string(other) + "," + std::string(ours), true},
        negotiate_case{"CommaSpace", std::string(other) + ", " + std::string(ours) + ",", true},
        negotiate_case{"Tabs", "\t" + std::string(ours) + "\t", true},
        negotiate_case{"SeparatorRuns", " ,, " + std::string(ours) + " ,", true},
        negotiate_case{"Empty", "", false}, negotiate_case{"OnlySeparators", " , ,\t", false},
        negotiate_case{"OnlyOther", std::string(other), false},
        negotiate_case{"NoBraces", "7df0354d-249b-430f-820d-3d2a9bef4931", false},
        negotiate_case{"OneBrace", "{7df0354d-249b-430f-820d-3d2a9bef4931", false},
        negotiate_case{"Semicolon", std::string(other) + ";" + std::string(ours), false},
        negotiate_case{"GluedToOther", std::string(other) + std::string(ours), false},
        negotiate_case{"Ours100th", repeated(other, 99, " ") + std::string(ours), true},
        negotiate_case{"Ours101st", repeated(other, 100, " ") + std::string(ours), false},
        negotiate_case{"Ours101stCommas", repeated(other, 100, ",") + std::string(ours), false}),
    [](auto const& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace bits::core
