// Non-BITS methods on upload URLs: OPTIONS, 405, and routing of downloads.
#include "server/other_methods.hpp"

#include "core/upload_path.hpp"
#include "hooks/checksum_xattr.hpp"
#include "server/connection_state.hpp"
#include "server/download.hpp"

#include <string>

namespace bits::server {

namespace net = boost::asio;

namespace {

core::reply plain(unsigned status) {
  core::reply r;
  r.status = status;
  return r;
}

std::string allow_list(bool downloads) {
  return downloads ? "OPTIONS, BITS_POST, GET, HEAD" : "OPTIONS, BITS_POST";
}

/// Repr-Digest (RFC 9530) and Digest (RFC 3230) of a published file whose SHA-256 is in
/// its checksum attribute (checksum_xattr), when it still matches the file.
extra_fields digest_fields(service::upload_service const& vdir,
                           storage::readable_file const& file) {
  if (!vdir.policy().checksum_xattr || file.fd() < 0) return {};
  auto const digest = hooks::read_checksum_xattr(file.fd());
  if (!digest || !*digest) return {};
  return {{"Repr-Digest", hooks::repr_digest_value(**digest)},
          {"Digest", hooks::digest_value(**digest)}};
}

}  // namespace

template <class Stream>
net::awaitable<other_result> serve_other_method(Stream& stream, core::request_head const& head,
                                                resolved_request const& resolved,
                                                server_options const& opt, request_log& log) {
  auto const& path = resolved.path;
  service::upload_service* const vdir = resolved.route ? resolved.route->vdir : nullptr;
  bool const downloads = vdir != nullptr && vdir->policy().downloads_enabled;
  bool const get = head.method == "GET";
  bool const is_head = head.method == "HEAD";

  // Upload-reply replies: <vdir>/.bits-reply/<token>, served whatever downloads_enabled
  // says, since the client must fetch them (reference 7.5).
  if (vdir != nullptr && (get || is_head)) {
    std::string const prefix =
        vdir->policy().url + std::string(core::reserved_name_prefix) + "reply/";
    if (path->starts_with(prefix)) {
      auto reply = vdir->open_reply(std::string_view(*path).substr(prefix.size()));
      if (!reply) co_return other_result{plain(404)};
      bool const keep = head.keep_alive && head.content_length.value_or(0) == 0 && !head.chunked;
      unsigned status = 200;
      bool const ok = co_await send_download(stream, head, *reply, keep, opt, {}, status);
      core::reply logged = plain(status);
      log.finish(logged);
      co_return other_result{std::move(logged), true, ok};
    }
  }
  if (head.method == "OPTIONS") {
    core::reply r = plain(200);
    r.set("Allow", allow_list(downloads));
    co_return other_result{std::move(r)};
  }
  if (!(get || is_head) || !downloads) {
    if (vdir == nullptr && (get || is_head)) co_return other_result{plain(404)};
    core::reply r = plain(405);
    r.set("Allow", allow_list(downloads));
    co_return other_result{std::move(r)};
  }
  auto const segments = core::split_below(*path, vdir->policy().url);
  if (!segments) co_return other_result{plain(404)};
  auto file = vdir->open_download(core::join_segments(*segments));
  if (!file) co_return other_result{plain(404)};

  bool const keep_alive = head.keep_alive && head.content_length.value_or(0) == 0 && !head.chunked;
  unsigned status = 200;
  bool const ok = co_await send_download(stream, head, *file, keep_alive, opt,
                                         digest_fields(*vdir, *file), status);
  core::reply logged = plain(status);
  log.finish(logged);
  co_return other_result{std::move(logged), true, ok};
}

template net::awaitable<other_result> serve_other_method(boost::beast::tcp_stream&,
                                                         core::request_head const&,
                                                         resolved_request const&,
                                                         server_options const&, request_log&);
template net::awaitable<other_result> serve_other_method(tls_stream&, core::request_head const&,
                                                         resolved_request const&,
                                                         server_options const&, request_log&);

}  // namespace bits::server
