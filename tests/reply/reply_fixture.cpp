// reply_test: the upload-reply virtual directories and the packet helpers with a Host.
#include "reply/reply_fixture.hpp"

#include <csignal>
#include <iostream>

namespace bits::test {

reply_test::reply_test() {
  send_port_in_host();
}

void reply_test::TearDown() {
  if (HasFailure() && app_.started()) {
    std::cerr << "---- application log (tail) ----\n" << app_.log_tail(40) << "---- end ----\n";
  }
  if (has_server()) (void)server().stop(SIGTERM, std::chrono::seconds(5));
  daemon_test::TearDown();
  app_.stop();
}

::testing::AssertionResult reply_test::start_server(std::vector<vdir_options> vdirs) {
  return start_config(daemon_options{{}, std::move(vdirs), {}});
}

::testing::AssertionResult reply_test::start_reply(std::string type, std::string url) {
  return start_reply(std::move(type), std::move(url), [](vdir_options&) {});
}

vdir_options reply_test::plain_vdir() const {
  vdir_options v;
  v.url = "/up/";
  v.root = root();
  return v;
}

http_response reply_test::post(raw_client& c, std::string_view target, std::string_view type,
                               header_list const& extra, std::string_view body,
                               std::string_view host) {
  std::string bytes = bits_post_head(target, type, extra, static_cast<long long>(body.size()),
                                     host.empty() ? server_host() : std::string(host));
  bytes.append(body);
  return c.request(bytes);
}

std::string reply_test::create(raw_client& c, std::string_view target, std::string_view host) {
  if (host.empty()) return c.create_session(target);
  auto const r = post(c, target, "Create-Session",
                      {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, {}, host);
  auto const id = r.header("BITS-Session-Id");
  if (r.status != 200 || !id || id->empty()) {
    ADD_FAILURE() << "Create-Session " << target << " failed:\n" << r.describe();
    return {};
  }
  return *id;
}

http_response reply_test::fragment(raw_client& c, std::string_view target, std::string_view id,
                                   std::uint64_t first, std::string_view bytes, std::uint64_t total,
                                   std::string_view host) {
  return post(c, target, "Fragment",
              {{"BITS-Session-Id", std::string(id)},
               {"Content-Range", content_range(first, first + bytes.size() - 1, total)}},
              bytes, host);
}

reply_test::upload_result reply_test::upload(raw_client& c, std::string_view target,
                                             std::string_view data, std::size_t fragment_size,
                                             std::string_view host) {
  upload_result out;
  out.id = create(c, target, host);
  if (out.id.empty()) return out;
  for (std::size_t first = 0; first < data.size(); first += fragment_size) {
    auto const piece = data.substr(first, fragment_size);
    out.last = fragment(c, target, out.id, first, piece, data.size(), host);
    bool const final = first + piece.size() == data.size();
    if (!final) {
      auto const ok = is_progress_ack(out.last, first + piece.size());
      if (!ok) {
        ADD_FAILURE() << "fragment at " << first << ": " << ok.message();
        return out;
      }
    }
  }
  return out;
}

http_response reply_test::resend_tail(raw_client& c, std::string_view target, std::string_view id,
                                      std::string_view data, std::uint64_t first,
                                      std::string_view host) {
  return fragment(c, target, id, first, data.substr(first), data.size(), host);
}

std::string reply_test::path_of(std::string_view url) {
  auto const scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto const slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
}

}  // namespace bits::test
