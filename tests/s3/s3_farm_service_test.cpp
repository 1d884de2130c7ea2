// The upload service over the object store: two services on one bucket are two nodes
// of a farm, and a session created on one is continued on the other.
#include "core/wire_error.hpp"
#include "s3/rgw_env.hpp"
#include "service/upload_service.hpp"
#include "storage/s3_store.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <random>

namespace bits::service {
namespace {

constexpr std::uint64_t part = storage::s3_min_part_size;

struct node {
  test::temp_dir buffers;
  std::unique_ptr<upload_service> svc;

  explicit node(test::rgw_bucket const& b) {
    storage::s3_store_options o;
    o.client = test::rgw_options(b.name());
    o.prefix = "up/";
    o.part_size = part;
    o.buffer_dir = buffers.path().string() + "/parts";
    auto store = storage::open_s3_store(std::move(o));
    EXPECT_TRUE(store) << store.error();
    vdir_policy p;
    p.url = "/up/";
    svc = std::make_unique<upload_service>(p, service_options{}, std::move(*store),
                                           [] { return std::int64_t{1'700'000'000}; });
  }

  outcome handle(packet const& p, std::string const& name) {
    std::vector<std::string> const destination{name};
    std::string const target = "/up/" + name;
    request_context ctx;
    ctx.destination = &destination;
    ctx.host = "127.0.0.1";
    ctx.target = target;
    ctx.remote = "10.0.0.1:40000";
    return svc->handle(p, ctx);
  }

  core::reply fragment(core::session_id const& id, std::string const& name, std::uint64_t first,
                       std::span<std::byte const> data, std::uint64_t total) {
    packet p;
    p.type = core::packet_type::fragment;
    p.session = id;
    p.content_length = data.size();
    p.range = core::content_range{first, data.size(), total};
    auto out = handle(p, name);
    if (!out.job) return out.reply;
    if (auto ec = out.job->write(data)) return out.job->fail(ec);
    return out.job->finish();
  }
};

TEST(S3Farm, ASessionCreatedOnOneNodeIsContinuedOnAnotherFromTheDurableOffset) {
  test::rgw_bucket b("farm");
  auto a = std::make_unique<node>(b);
  node c(b);
  std::vector<std::byte> data(2 * part + 4321);
  std::mt19937 gen(7);
  for (auto& x : data) x = static_cast<std::byte>(gen() & 0xFF);
  auto const span = std::span<std::byte const>(data);

  packet create;
  create.type = core::packet_type::create_session;
  create.protocols = core::upload_protocol_guid;
  auto const created = a->handle(create, "file.bin").reply;
  ASSERT_EQ(created.status, 200U);
  auto const id = core::parse_session_id(created.header(core::header::session_id).value_or(""));
  ASSERT_TRUE(id);

  // Node a gets one part and a bit, then dies with the bit in its buffer.
  auto const first = part + 1024 * 1024;
  auto r = a->fragment(*id, "file.bin", 0, span.first(first), data.size());
  ASSERT_EQ(r.status, 200U);
  EXPECT_EQ(r.header(core::header::received_content_range), std::to_string(first));
  a.reset();

  // The next fragment reaches node c: it loads the session and reports what is durable.
  r = c.fragment(*id, "file.bin", first, span.subspan(first, 1000), data.size());
  EXPECT_NE(r.status, 200U);
  EXPECT_EQ(r.header(core::header::received_content_range), std::to_string(part));
  // The client resends from there, and the file is complete on the last byte.
  r = c.fragment(*id, "file.bin", part, span.subspan(part), data.size());
  ASSERT_EQ(r.status, 200U) << r.header(core::header::error_context).value_or("");
  EXPECT_EQ(r.header(core::header::received_content_range), std::to_string(data.size()));
  auto back = b.client().get_object("up/file.bin");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);

  packet close;
  close.type = core::packet_type::close_session;
  close.session = *id;
  EXPECT_EQ(c.handle(close, "file.bin").reply.status, 200U);
  auto left = b.client().list_objects("");
  ASSERT_TRUE(left);
  // The file and the tombstone that answers a replayed Close on any node; no record.
  ASSERT_EQ(left->size(), 2U);
  EXPECT_EQ(left->at(0).key, "up/.bits-sessions/" + id->to_hex() + ".end");
  EXPECT_EQ(left->at(1).key, "up/file.bin");
}

TEST(S3Farm, AnUnknownSessionIsNotFoundOnEveryNode) {
  test::rgw_bucket b("unknown");
  node c(b);
  std::vector<std::byte> data(10);
  core::session_id::bytes_type raw{};
  raw[0] = 1;
  auto const r = c.fragment(core::session_id(raw), "x", 0, data, data.size());
  EXPECT_EQ(r.status, 500U);
  EXPECT_EQ(r.header(core::header::error_code),
            core::format_hresult(core::hresult::session_not_found));
}

}  // namespace
}  // namespace bits::service
