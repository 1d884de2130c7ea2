// Event JSON: every documented field with its type, exact values back through the
// parser, paths that are not UTF-8, and event ids.
#include "hooks/event.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bits::hooks {
namespace {

using json = nlohmann::json;

core::session_id some_session(std::uint8_t seed) {
  core::session_id::bytes_type b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed + i);
  return core::session_id{b};
}

event commit_event() {
  event e;
  e.type = event_type::post_commit;
  e.session_id = some_session(1);
  e.id = make_event_id(*e.session_id, e.type);
  e.time = 1'796'306'785;  // 2026-12-03T14:06:25Z
  e.vdir = "/up/";
  e.url_path = "/up/dumps/a b#1.dmp";
  e.file_path = "/srv/uploads/dumps/a b#1.dmp";
  e.size = 12345;
  e.declared_size = 12345;
  sha256_stream s;
  s.update(std::string_view("abc"));
  e.sha256 = s.digest();
  e.principal = "CORP\\alice";
  e.client_address = "192.0.2.7";
  e.created = 1'796'306'600;
  e.committed = 1'796'306'785;
  return e;
}

TEST(Event, JsonHasEveryFieldWithItsType) {
  json const j = json::parse(to_json(commit_event()));
  EXPECT_EQ(j.size(), 17U);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["id"].get<std::string>().size(), 32U);
  EXPECT_EQ(j["type"], "post-commit");
  EXPECT_EQ(j["time"], "2026-12-03T14:06:25Z");
  EXPECT_EQ(j["vdir"], "/up/");
  EXPECT_EQ(j["url_path"], "/up/dumps/a%20b%231.dmp");
  EXPECT_EQ(j["file_path"], "/srv/uploads/dumps/a b#1.dmp");
  EXPECT_TRUE(j["bucket"].is_null());
  EXPECT_TRUE(j["key"].is_null());
  EXPECT_EQ(j["size"], 12345);
  EXPECT_EQ(j["declared_size"], 12345);
  EXPECT_EQ(j["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(j["principal"], "CORP\\alice");
  EXPECT_EQ(j["client_address"], "192.0.2.7");
  EXPECT_EQ(j["session_id"], "{01020304-0506-0708-090A-0B0C0D0E0F10}");
  EXPECT_EQ(j["created"], "2026-12-03T14:03:20Z");
  EXPECT_EQ(j["committed"], "2026-12-03T14:06:25Z");
}

TEST(Event, PreCreateHasNullsWhereNothingIsKnownYet) {
  event e;
  e.type = event_type::pre_create;
  e.id = random_event_id();
  e.vdir = "/";
  e.url_path = "/x";
  json const j = json::parse(to_json(e));
  EXPECT_EQ(j["type"], "pre-create");
  for (char const* key :
       {"size", "declared_size", "sha256", "session_id", "created", "committed"}) {
    EXPECT_TRUE(j[key].is_null()) << key;
  }
  EXPECT_EQ(j["principal"], "");
}

TEST(Event, ParsesBackToTheSameValues) {
  auto const e = commit_event();
  auto const back = event_from_json(to_json(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->time, e.time);
  EXPECT_EQ(back->url_path, e.url_path);
  EXPECT_EQ(back->file_path, e.file_path);
  EXPECT_EQ(back->size, e.size);
  EXPECT_EQ(back->sha256, e.sha256);
  EXPECT_EQ(back->principal, e.principal);
  EXPECT_EQ(back->session_id, e.session_id);
  EXPECT_EQ(back->created, e.created);
  EXPECT_EQ(back->committed, e.committed);
  EXPECT_FALSE(event_from_json("{}"));
  EXPECT_FALSE(event_from_json("not json"));
}

TEST(Event, ObjectStoreDestinationIsABucketAndKeyWithoutFilePath) {
  auto e = commit_event();
  e.file_path.clear();
  e.bucket = "uploads";
  e.key = "up/dumps/a b#1.dmp";
  json const j = json::parse(to_json(e));
  EXPECT_TRUE(j["file_path"].is_null());
  EXPECT_EQ(j["bucket"], "uploads");
  EXPECT_EQ(j["key"], "up/dumps/a b#1.dmp");
  auto const back = event_from_json(to_json(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->file_path, "");
  EXPECT_EQ(back->bucket, e.bucket);
  EXPECT_EQ(back->key, e.key);
}

TEST(Event, NamesThatAreNotUtf8StayExactInUrlPathAndValidInJson) {
  auto e = commit_event();
  e.url_path = "/up/caf\xE9.txt";  // Latin-1 byte: not UTF-8
  e.file_path = "/srv/uploads/caf\xE9.txt";
  std::string const text = to_json(e);
  json const j = json::parse(text);  // throws if the text were not valid UTF-8
  EXPECT_EQ(j["url_path"], "/up/caf%E9.txt");
  EXPECT_EQ(j["file_path"], "/srv/uploads/caf\xEF\xBF\xBD.txt");  // U+FFFD
  auto const back = event_from_json(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->url_path, e.url_path);
}

TEST(Event, IdsAreStablePerSessionAndTypeAndNeverTheSessionId) {
  auto const a = some_session(1);
  auto const b = some_session(2);
  EXPECT_EQ(make_event_id(a, event_type::post_commit), make_event_id(a, event_type::post_commit));
  EXPECT_NE(make_event_id(a, event_type::post_commit), make_event_id(a, event_type::post_cancel));
  EXPECT_NE(make_event_id(a, event_type::post_commit), make_event_id(b, event_type::post_commit));
  auto const id = make_event_id(a, event_type::post_commit);
  EXPECT_EQ(id.size(), 32U);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(id.find("0102030405"), std::string::npos);
  EXPECT_NE(random_event_id(), random_event_id());
}

TEST(Event, TypeNamesRoundTrip) {
  for (auto const t : {event_type::pre_create, event_type::post_commit, event_type::post_cancel,
                       event_type::post_expire, event_type::post_evict}) {
    EXPECT_EQ(parse_event_type(to_string(t)), t);
  }
  EXPECT_FALSE(parse_event_type("post_commit"));
}

}  // namespace
}  // namespace bits::hooks
