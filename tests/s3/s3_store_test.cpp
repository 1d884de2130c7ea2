// The object-store upload_store against a real Ceph RADOS Gateway. Two store instances
// on one bucket, each with its own part buffer folder, act as two nodes of a farm.
#include "storage/s3_store.hpp"
#include "s3/rgw_env.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

namespace bits::storage {
namespace {

using test::rgw_bucket;

constexpr std::uint64_t part = s3_min_part_size;
constexpr std::string_view prefix = "vdir/";

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
  std::vector<std::byte> v(n);
  std::mt19937 gen(seed);
  for (auto& b : v) b = static_cast<std::byte>(gen() & 0xFF);
  return v;
}

core::session_id new_id(unsigned seed) {
  core::session_id::bytes_type b{};
  std::mt19937 gen(seed + static_cast<unsigned>(std::random_device{}()));
  for (auto& x : b) x = static_cast<std::uint8_t>(gen() & 0xFF);
  return core::session_id(b);
}

/// Success, or the failure with its cause.
::testing::AssertionResult succeeded(status const& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s;
}

/// One node: a store on the shared bucket with a buffer folder of its own.
struct node {
  test::temp_dir buffers;
  std::unique_ptr<upload_store> store;

  explicit node(rgw_bucket const& b, s3::client_options client = {}) {
    s3_store_options o;
    o.client = client.endpoint.empty() ? test::rgw_options(b.name()) : std::move(client);
    o.prefix = std::string(prefix);
    o.part_size = part;
    o.buffer_dir = buffers.path().string() + "/parts";
    auto s = open_s3_store(std::move(o));
    EXPECT_TRUE(s) << s.error();
    store = std::move(*s);
  }
  upload_store* operator->() const { return store.get(); }
};

session_record new_record(std::string destination, unsigned seed) {
  session_record r;
  r.id = new_id(seed);
  r.destination = std::move(destination);
  r.principal = "alice";
  r.created = 1000;
  r.last_activity = 1000;
  return r;
}

/// What the service does for a fragment: writes `bytes` at rec.received in chunks, then
/// advances rec.received.
void write(upload_store& store, session_record& rec, std::span<std::byte const> bytes,
           std::size_t chunk = 700 * 1024) {
  auto w = store.open_data(rec.id);
  ASSERT_TRUE(w) << w.error().message();
  while (!bytes.empty()) {
    auto const n = std::min(chunk, bytes.size());
    ASSERT_TRUE(succeeded((*w)->write_at(rec.received, bytes.first(n))));
    rec.received += n;
    bytes = bytes.subspan(n);
  }
}

/// create() and the first fragment's save() of the total.
void start(upload_store& store, session_record& rec, std::uint64_t total) {
  ASSERT_TRUE(succeeded(store.create(rec)));
  rec.total = total;
  ASSERT_TRUE(succeeded(store.save(rec, false)));
}

std::string key_of(std::string const& destination) {
  return std::string(prefix) + destination;
}

std::vector<std::string> keys(s3::client& c) {
  std::vector<std::string> out;
  auto all = c.list_objects("");
  EXPECT_TRUE(all);
  if (all) {
    for (auto const& o : *all) out.push_back(o.key);
  }
  return out;
}

TEST(S3Store, OneFragmentFileIsOnePutAtCommitAndInvisibleBefore) {
  rgw_bucket b("onepart");
  node n(b);
  auto rec = new_record("dir/small.bin", 1);
  auto const data = random_bytes(1'000'000, 1);
  ASSERT_FALSE(n->check_destination(rec.destination, false));
  start(*n.store, rec, data.size());
  write(*n.store, rec, data, data.size());
  // Only the record is in the bucket; the destination is not.
  EXPECT_EQ(keys(b.client()),
            std::vector<std::string>{key_of(".bits-sessions/" + rec.id.to_hex() + ".json")});
  ASSERT_TRUE(succeeded(n->commit(rec, false)));
  auto info = b.client().head_object(key_of(rec.destination));
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->etag, s3::md5_etag(data));  // a single PUT, not a multipart object
  auto back = b.client().get_object(key_of(rec.destination));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);

  // The session's record says complete until the session is discarded.
  node other(b);
  auto loaded = other->load(rec.id);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->state, session_state::complete);
  EXPECT_EQ(loaded->received, data.size());
  ASSERT_FALSE(n->discard(rec.id));
  EXPECT_EQ(keys(b.client()), std::vector<std::string>{key_of(rec.destination)});
}

TEST(S3Store, FragmentsStreamIntoPartsAndCommitIsByteIdentical) {
  rgw_bucket b("multipart");
  node n(b);
  auto rec = new_record("big.bin", 2);
  auto const data = random_bytes(2 * part + 123'457, 2);
  start(*n.store, rec, data.size());
  write(*n.store, rec, std::span(data).first(part + 10));
  // The first part is in the store as soon as it is full: the durable offset.
  node other(b);
  auto seen = other->load(rec.id);
  ASSERT_TRUE(seen) << seen.error().message();
  EXPECT_EQ(seen->received, part);
  write(*n.store, rec, std::span(data).subspan(part + 10));
  EXPECT_FALSE(b.client().head_object(key_of(rec.destination)));
  ASSERT_TRUE(succeeded(n->commit(rec, false)));
  auto info = b.client().head_object(key_of(rec.destination));
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->etag.ends_with("-3\""));
  auto back = b.client().get_object(key_of(rec.destination));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);
  ASSERT_FALSE(n->discard(rec.id));
  EXPECT_EQ(keys(b.client()), std::vector<std::string>{key_of(rec.destination)});
}

TEST(S3Store, AnotherNodeContinuesFromTheDurableOffset) {
  rgw_bucket b("failover");
  node a(b);
  node c(b);
  auto rec = new_record("f.bin", 3);
  auto const data = random_bytes(3 * part + 99, 3);
  start(*a.store, rec, data.size());
  write(*a.store, rec, std::span(data).first(2 * part + 3 * 1024 * 1024));
  // Node a dies with 3 MiB in its buffer: c reports what the parts hold.
  a.store.reset();
  auto loaded = c->load(rec.id);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->received, 2 * part);
  ASSERT_TRUE(loaded->total);
  EXPECT_EQ(*loaded->total, data.size());
  EXPECT_EQ(loaded->destination, rec.destination);
  EXPECT_EQ(loaded->principal, "alice");
  auto rec2 = *loaded;
  write(*c.store, rec2, std::span(data).subspan(rec2.received));
  ASSERT_TRUE(succeeded(c->commit(rec2, false)));
  auto back = b.client().get_object(key_of(rec.destination));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);
}

TEST(S3Store, TwoNodesWritingOneSessionAtOnceDoNotCorruptIt) {
  rgw_bucket b("race");
  node a(b);
  node c(b);
  auto rec = new_record("raced.bin", 4);
  auto const data = random_bytes(4 * part + 777, 4);
  start(*a.store, rec, data.size());
  auto rec_c = c->load(rec.id);
  ASSERT_TRUE(rec_c);
  // The balancer sends the same bytes to both, in different fragment sizes.
  std::thread ta([&] { write(*a.store, rec, data, 1024 * 1024); });
  std::thread tc([&] { write(*c.store, *rec_c, data, 333 * 1024); });
  ta.join();
  tc.join();
  // Either may commit; the parts are the same bytes at the same positions.
  ASSERT_TRUE(succeeded(c->commit(*rec_c, false)));
  auto back = b.client().get_object(key_of(rec.destination));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);
  // The other node's commit finds the upload completed with the same parts: success,
  // and the file is unchanged.
  EXPECT_TRUE(succeeded(a->commit(rec, false)));
  back = b.client().get_object(key_of(rec.destination));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);
}

TEST(S3Store, CommitRefusesToReplaceAnExistingFile) {
  rgw_bucket b("noreplace");
  node n(b);
  auto const old = random_bytes(100, 5);
  ASSERT_TRUE(b.client().put_object(key_of("taken.bin"), old));
  EXPECT_EQ(n->check_destination("taken.bin", false), make_error_code(error::destination_exists));
  EXPECT_FALSE(n->check_destination("taken.bin", true));

  // One PUT (If-None-Match: *): refused atomically.
  auto small = new_record("taken.bin", 6);
  auto const data = random_bytes(1000, 6);
  start(*n.store, small, data.size());
  write(*n.store, small, data);
  EXPECT_EQ(n->commit(small, false), make_error_code(error::destination_exists));
  // Multipart: refused too.
  auto big = new_record("taken.bin", 7);
  auto const more = random_bytes(part + 5, 7);
  start(*n.store, big, more.size());
  write(*n.store, big, more);
  EXPECT_EQ(n->commit(big, false), make_error_code(error::destination_exists));
  auto back = b.client().get_object(key_of("taken.bin"));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == old);

  // allow_overwrite replaces.
  ASSERT_TRUE(succeeded(n->commit(big, true)));
  back = b.client().get_object(key_of("taken.bin"));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == more);
  ASSERT_FALSE(n->discard(small.id));
  ASSERT_FALSE(n->discard(big.id));
}

TEST(S3Store, AFolderIsNoDestination) {
  rgw_bucket b("folder");
  node n(b);
  ASSERT_TRUE(b.client().put_object(key_of("d/inner"), random_bytes(1, 8)));
  EXPECT_EQ(n->check_destination("d", true), make_error_code(error::destination_is_directory));
}

TEST(S3Store, CancelAbortsTheUploadAndRemovesTheRecord) {
  rgw_bucket b("cancel");
  node n(b);
  auto rec = new_record("c.bin", 9);
  auto const data = random_bytes(part + 100, 9);
  start(*n.store, rec, 3 * part);
  write(*n.store, rec, data);
  ASSERT_TRUE(succeeded(n->discard(rec.id)));
  EXPECT_TRUE(keys(b.client()).empty());
  EXPECT_FALSE(n->discard(rec.id));  // idempotent
  node other(b);
  auto gone = other->load(rec.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), make_error_code(error::session_not_found));
  // A node that still held it finds the upload gone when its next part is due.
  auto w = other->open_data(rec.id);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), make_error_code(error::session_not_found));
}

TEST(S3Store, ANodeStillHoldingACancelledSessionCannotWriteIntoIt) {
  rgw_bucket b("stale");
  node a(b);
  node c(b);
  auto rec = new_record("s.bin", 10);
  auto const data = random_bytes(2 * part + 1, 10);
  start(*a.store, rec, data.size());
  auto w = a->open_data(rec.id);
  ASSERT_TRUE(w);
  ASSERT_FALSE(c->discard(rec.id));  // cancelled through the other node
  auto ec = (*w)->write_at(0, std::span(data).first(part));
  EXPECT_EQ(ec, make_error_code(error::session_not_found));
  EXPECT_FALSE(b.client().head_object(key_of(rec.destination)));
}

TEST(S3Store, EmptyUploadIsAnEmptyFile) {
  rgw_bucket b("empty");
  node n(b);
  auto rec = new_record("zero", 11);
  ASSERT_FALSE(n->create(rec));
  ASSERT_TRUE(succeeded(n->commit(rec, false)));
  auto info = b.client().head_object(key_of("zero"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 0U);
  ASSERT_FALSE(n->discard(rec.id));
}

TEST(S3Store, TotalBeyondTheLastPartNumberIsTooLarge) {
  rgw_bucket b("toolarge");
  node n(b);
  auto rec = new_record("huge", 12);
  ASSERT_FALSE(n->create(rec));
  rec.total = part * s3_max_parts + 1;
  EXPECT_EQ(n->save(rec, false), make_error_code(error::upload_too_large));
  ASSERT_FALSE(n->discard(rec.id));
}

TEST(S3Store, PublishedFilesAreReadByRange) {
  rgw_bucket b("read");
  node n(b);
  auto const data = random_bytes(9'000'000, 13);
  ASSERT_TRUE(b.client().put_object(key_of("dl/file"), data));
  auto f = n->open_published("dl/file");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->fd(), -1);
  EXPECT_EQ(f->size(), data.size());
  EXPECT_GT(f->mtime_ns(), 0);
  for (std::uint64_t at :
       {std::uint64_t{0}, std::uint64_t{5'000'000}, std::uint64_t{8'999'990}, std::uint64_t{100}}) {
    std::vector<std::byte> buf(64 * 1024);
    auto got = f->read_at(at, buf);
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(*got, std::min<std::uint64_t>(buf.size(), data.size() - at));
    EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*got),
                           data.begin() + static_cast<std::ptrdiff_t>(at)));
  }
  std::vector<std::byte> buf(10);
  auto end = f->read_at(data.size(), buf);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, 0U);
  // Replaced meanwhile: the open version is gone, the read fails instead of mixing.
  ASSERT_TRUE(b.client().put_object(key_of("dl/file"), random_bytes(9'000'000, 14)));
  auto stale = f->read_at(4'500'000, buf);  // outside what was read ahead
  EXPECT_FALSE(stale);
  auto missing = n->open_published("dl/nothing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), make_error_code(error::invalid_path));
}

TEST(S3Store, StoreFailuresAreReportedWithTheirCause) {
  rgw_bucket b("failures");
  auto bad = test::rgw_options(b.name());
  bad.keys.secret_key = "wrong";
  node wrong_key(b, bad);
  auto rec = new_record("x", 15);
  auto ec = wrong_key->create(rec);
  EXPECT_EQ(ec, make_error_code(s3::errc::auth_failed));
  EXPECT_NE(ec.why().text().find("SignatureDoesNotMatch"), std::string::npos) << ec;

  node no_bucket(b, test::rgw_options(test::unique_bucket("absent")));
  EXPECT_EQ(no_bucket->create(rec), make_error_code(s3::errc::no_such_bucket));

  auto down = test::rgw_options(b.name());
  down.endpoint = "http://127.0.0.1:1";
  down.max_attempts = 2;
  node unreachable(b, down);
  auto const down_ec = unreachable->create(rec);
  EXPECT_EQ(down_ec, make_error_code(s3::errc::unreachable));
  EXPECT_NE(down_ec.why().text().find("; 2 attempts)"), std::string::npos) << down_ec;
  EXPECT_EQ(down_ec, error::storage_failure);  // what the client is answered
  EXPECT_TRUE(keys(b.client()).empty());
}

}  // namespace
}  // namespace bits::storage
