// meta.json encoding: lossless round trips (also for names that are not UTF-8) and
// refusal of anything that is not exactly what the store writes.
#include "storage/metadata.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bits::storage::detail {
namespace {

stored_metadata sample() {
  core::session_id::bytes_type b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i * 17);
  stored_metadata m;
  m.record.id = core::session_id{b};
  m.record.destination = "dir/file name.bin";
  m.record.principal = "alice";
  m.record.total = 1234;
  m.record.received = 1000;
  m.record.state = session_state::receiving;
  m.record.created = 1'700'000'000;
  m.record.last_activity = 1'700'000'500;
  m.durable = 512;
  m.boot_id = "340c50ee-e0e0-4cfa-bfcd-e0c2a958630b";
  return m;
}

void expect_same(stored_metadata const& a, stored_metadata const& b) {
  EXPECT_EQ(a.record.id, b.record.id);
  EXPECT_EQ(a.record.destination, b.record.destination);
  EXPECT_EQ(a.record.principal, b.record.principal);
  EXPECT_EQ(a.record.total, b.record.total);
  EXPECT_EQ(a.record.received, b.record.received);
  EXPECT_EQ(a.record.state, b.record.state);
  EXPECT_EQ(a.record.created, b.record.created);
  EXPECT_EQ(a.record.last_activity, b.record.last_activity);
  EXPECT_EQ(a.durable, b.durable);
  EXPECT_EQ(a.boot_id, b.boot_id);
}

TEST(Metadata, RoundTripsEveryField) {
  auto const m = sample();
  auto const text = encode_metadata(m);
  EXPECT_NE(text.find(m.record.id.to_string()), std::string::npos) << text;
  auto const back = decode_metadata(text);
  ASSERT_TRUE(back);
  expect_same(m, *back);
}

TEST(Metadata, RoundTripsUnknownTotalAndCompleteState) {
  auto m = sample();
  m.record.total.reset();
  m.record.state = session_state::complete;
  m.record.created = -5;
  m.record.principal.clear();
  auto const text = encode_metadata(m);
  EXPECT_NE(text.find("\"total\": null"), std::string::npos) << text;
  auto const back = decode_metadata(text);
  ASSERT_TRUE(back);
  expect_same(m, *back);
}

TEST(Metadata, DigestStateAndClientAddressAreOptional) {
  auto m = sample();
  auto const without = encode_metadata(m);
  EXPECT_EQ(without.find("sha256_state"), std::string::npos) << without;
  auto back = decode_metadata(without);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->record.sha256_state, "");
  EXPECT_EQ(back->record.client_address, "");

  m.record.sha256_state = "sha256-v1:3:0123abcd:616263";
  m.record.client_address = "2001:db8::7";
  back = decode_metadata(encode_metadata(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->record.sha256_state, m.record.sha256_state);
  EXPECT_EQ(back->record.client_address, m.record.client_address);
}

TEST(Metadata, NamesThatAreNotUtf8SurviveAndTheFileIsAscii) {
  auto m = sample();
  m.record.destination = std::string{"a\xff\xfe%41\x01/\xc3\xa9.bin"};
  m.record.principal = std::string{"\x80user"};
  auto const text = encode_metadata(m);
  for (char const c : text) EXPECT_LT(static_cast<unsigned char>(c), 0x80U);
  auto const back = decode_metadata(text);
  ASSERT_TRUE(back);
  expect_same(m, *back);
}

TEST(Metadata, RefusesWhatTheStoreDoesNotWrite) {
  auto const good = encode_metadata(sample());
  auto const replaced = [&](std::string const& from, std::string const& to) {
    auto text = good;
    auto const at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  };
  EXPECT_FALSE(decode_metadata(""));
  EXPECT_FALSE(decode_metadata("[]"));
  EXPECT_FALSE(decode_metadata("{}"));
  EXPECT_FALSE(decode_metadata(good.substr(0, good.size() / 2)));
  EXPECT_FALSE(decode_metadata(replaced("\"version\": 1", "\"version\": 2")));
  EXPECT_FALSE(decode_metadata(replaced("\"received\": 1000", "\"received\": -1")));
  EXPECT_FALSE(decode_metadata(replaced("\"received\": 1000", "\"received\": \"1000\"")));
  EXPECT_FALSE(decode_metadata(replaced("\"durable\": 512", "\"durable\": 1.5")));
  EXPECT_FALSE(decode_metadata(replaced("\"receiving\"", "\"notifying\"")));
  EXPECT_FALSE(decode_metadata(replaced("\"total\": 1234", "\"total\": \"x\"")));
  EXPECT_FALSE(
      decode_metadata(replaced("\"created\": 1700000000", "\"created\": 9223372036854775808")));
  EXPECT_FALSE(decode_metadata(replaced(sample().record.id.to_string(), "{nope}")));
  EXPECT_FALSE(decode_metadata(replaced("file name.bin", "bad%4")));
  EXPECT_FALSE(decode_metadata(replaced("file name.bin", "bad%zz")));
  EXPECT_FALSE(decode_metadata(replaced("\"principal\": \"alice\",", "")));
  EXPECT_FALSE(decode_metadata(replaced("\"reply_token\": \"\",", "")));
  EXPECT_FALSE(decode_metadata(replaced("\"reply_url\": \"\"", "\"reply_url\": 1")));
}

TEST(MetaSlots, RoundTripWithItsVersion) {
  auto const slot = encode_meta_slot(sample(), 7);
  EXPECT_EQ(meta_slot_size(slot), slot.size());
  auto const back = decode_meta_slot(slot + std::string(100, '\0'));  // bytes after it
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 7U);
  expect_same(back->meta, sample());
}

TEST(MetaSlots, TornOrAlteredSlotsAreNotValid) {
  auto const slot = encode_meta_slot(sample(), 3);
  EXPECT_FALSE(decode_meta_slot(slot.substr(0, slot.size() - 1)));  // cut short
  auto altered = slot;
  altered[altered.size() - 5] ^= 1;  // a bit of the JSON changed: checksum differs
  EXPECT_FALSE(decode_meta_slot(altered));
  EXPECT_FALSE(decode_meta_slot(std::string(slot.size(), '\0')));  // never written
  EXPECT_FALSE(decode_meta_slot(""));
}

TEST(MetaSlots, TheNewerValidSlotWins) {
  auto older = sample();
  auto newer = sample();
  newer.record.received = 1200;
  auto const a = encode_meta_slot(older, 4);
  auto const b = encode_meta_slot(newer, 5);
  auto got = decode_meta_slots(b, a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, 5U);
  EXPECT_EQ(got->meta.record.received, 1200U);
  got = decode_meta_slots(a, b);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, 5U);
  // The newer save was torn by a crash: the older version is still there.
  got = decode_meta_slots(b.substr(0, b.size() / 2), a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, 4U);
  EXPECT_EQ(got->meta.record.received, 1000U);
}

TEST(MetaSlots, PlainJsonIsNotASlot) {
  EXPECT_FALSE(decode_meta_slots(encode_metadata(sample()) + "\n", ""));
  EXPECT_FALSE(decode_meta_slots("", encode_metadata(sample())));
  EXPECT_FALSE(decode_meta_slots("{\"version\": 1", ""));
}

}  // namespace
}  // namespace bits::storage::detail
