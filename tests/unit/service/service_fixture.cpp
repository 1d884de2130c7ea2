// The service test fixture: packets in, Acks out, the memory disk to look at.
#include "service_fixture.hpp"

namespace bits::service::testing {

::testing::AssertionResult acks(core::reply const& r, expected_ack const& want) {
  auto failure = [&] {
    auto result = ::testing::AssertionFailure() << "status " << r.status;
    for (auto const& [name, value] : r.fields) result << ", " << name << ": " << value;
    if (!r.cause.empty()) result << " (cause: " << r.cause << ")";
    return result;
  };
  if (r.status != want.status) return failure() << "; want status " << want.status;
  if (r.header(core::header::packet_type) != "Ack") return failure() << "; not an Ack";
  auto const code = r.header(core::header::error_code);
  if (want.status == 200 || want.code.empty()) {
    if (code) return failure() << "; want no BITS-Error-Code";
  } else {
    if (code != want.code) return failure() << "; want BITS-Error-Code " << want.code;
    if (r.header(core::header::error_context) != "0x5") {
      return failure() << "; want BITS-Error-Context 0x5";
    }
  }
  auto const received = r.header(core::header::received_content_range);
  if (want.received && received != std::to_string(*want.received)) {
    return failure() << "; want BITS-Received-Content-Range " << *want.received;
  }
  return ::testing::AssertionSuccess();
}

void service_test::start(vdir_policy policy, service_options options) {
  policy.url = "/up/";
  svc_.reset();
  svc_ = std::make_unique<upload_service>(policy, options,
                                          std::make_unique<test::memory_upload_store>(disk_),
                                          [now = now_] { return *now; });
  svc_->set_log([this](std::string const& line) { log_.push_back(line); });
}

namespace {

void serially(std::vector<std::function<void()>>& jobs) {
  for (auto& job : jobs) job();
}

}  // namespace

void service_test::maintain() {
  svc_->maintain(serially);
}

void service_test::flush_all() {
  svc_->flush_all(serially);
}

outcome service_test::send(packet const& p, std::string const& name, std::string const& principal,
                           std::string const& remote) {
  std::vector<std::string> destination;
  for (std::size_t at = 0; at < name.size();) {
    auto const slash = std::min(name.find('/', at), name.size());
    destination.push_back(name.substr(at, slash - at));
    at = slash + 1;
  }
  std::string const target = "/up/" + name;
  request_context ctx;
  ctx.destination = &destination;
  ctx.principal = principal;
  ctx.host = "127.0.0.1";
  ctx.target = target;
  ctx.remote = remote;
  return svc_->handle(p, ctx);
}

core::reply service_test::ping() {
  packet p;
  p.type = core::packet_type::ping;
  return send(p, "").reply;
}

core::reply service_test::create(std::string const& name, std::string const& principal,
                                 std::string const& remote, std::string_view protocols) {
  packet p;
  p.type = core::packet_type::create_session;
  p.protocols = protocols;
  return send(p, name, principal, remote).reply;
}

core::session_id service_test::created(std::string const& name, std::string const& principal,
                                       std::string const& remote) {
  auto const r = create(name, principal, remote);
  EXPECT_TRUE(acks(r, {200}));
  auto const id = core::parse_session_id(r.header(core::header::session_id).value_or(""));
  EXPECT_TRUE(id.has_value());
  return id ? *id : core::session_id{};
}

outcome service_test::start_fragment(core::session_id const& id, std::string const& name,
                                     std::uint64_t first, std::uint64_t length, std::uint64_t total,
                                     std::string const& principal) {
  packet p;
  p.type = core::packet_type::fragment;
  p.session = id;
  p.content_length = length;
  p.range = core::content_range{first, length, total};
  return send(p, name, principal);
}

core::reply service_test::fragment(core::session_id const& id, std::string const& name,
                                   std::uint64_t first, std::string_view data, std::uint64_t total,
                                   std::string const& principal) {
  auto out = start_fragment(id, name, first, data.size(), total, principal);
  if (!out.job) return out.reply;
  if (auto failed = out.job->write(bytes(data))) return out.job->fail(failed);
  return out.job->finish();
}

core::reply service_test::end_session(core::packet_type type, core::session_id const& id,
                                      std::string const& name, std::string const& principal) {
  packet p;
  p.type = type;
  p.session = id;
  return send(p, name, principal).reply;
}

std::optional<std::string> service_test::published(std::string const& name) const {
  std::lock_guard lock(disk_->mu);
  auto const it = disk_->files.find(name);
  if (it == disk_->files.end()) return std::nullopt;
  return std::string(reinterpret_cast<char const*>(it->second.data()), it->second.size());
}

bool service_test::in_spool(core::session_id const& id) const {
  std::lock_guard lock(disk_->mu);
  return disk_->spool.contains(id);
}

std::uint64_t service_test::saved_received(core::session_id const& id) const {
  std::lock_guard lock(disk_->mu);
  auto const it = disk_->spool.find(id);
  return it == disk_->spool.end() ? 0 : it->second.saved.received;
}

void service_test::publish(std::string const& name, std::string_view content) {
  std::lock_guard lock(disk_->mu);
  auto const b = bytes(content);
  disk_->files[name] = std::vector<std::byte>(b.begin(), b.end());
}

void service_test::make_folder(std::string const& name) {
  std::lock_guard lock(disk_->mu);
  disk_->folders.insert(name);
}

}  // namespace bits::service::testing
