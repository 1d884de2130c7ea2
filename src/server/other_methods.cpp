// Non-BITS methods on upload URLs: OPTIONS, 405, and routing of downloads.
#include "server/other_methods.hpp"

#include "core/upload_path.hpp"
#include "hooks/checksum_xattr.hpp"
#include "server/connection_state.hpp"
#include "server/download.hpp"
#include "server/run_blocking.hpp"
#include "service/acks.hpp"

#include <functional>
#include <string>

// GCC 12 takes the release of serve_other_method's own coroutine frame, on the path
// where its creation fails, for a mismatched delete (-Wmismatched-new-delete): a false
// positive of its coroutine lowering with asio's frame allocator.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

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

/// The answer to a GET or HEAD whose file or reply could not be opened.
core::reply refused(status const& failure) {
  if (storage::store_unavailable(failure)) {
    // The object store is down or throttling: the client tries again later.
    core::reply r = plain(503);
    r.set("Retry-After", std::to_string(service::store_retry_after));
    r.cause = failure.why().text();
    return r;
  }
  if (failure == error::storage_failure) {
    core::reply r = plain(500);
    r.cause = failure.why().text();
    return r;
  }
  return plain(404);
}

/// `open()`, on `disk` when set (an object store), else right here.
net::awaitable<status_or<storage::readable_file>> open_file(
    net::any_io_executor disk, std::function<status_or<storage::readable_file>()> open) {
  if (!disk) co_return open();
  co_return co_await run_blocking(disk, std::move(open));
}

}  // namespace

template <class Stream>
net::awaitable<other_result> serve_other_method(Stream& stream, core::request_head const& head,
                                                resolved_request const& resolved,
                                                server_options const& opt, request_log& log,
                                                net::any_io_executor const& disk) {
  auto const& path = resolved.path;
  service::upload_service* const vdir = resolved.route ? resolved.route->vdir : nullptr;
  bool const downloads = vdir != nullptr && vdir->policy().downloads_enabled;
  bool const get = head.method == "GET";
  bool const is_head = head.method == "HEAD";
  // An object store is asked over the network: never on this connection's loop.
  bool const remote = vdir != nullptr && vdir->policy().storage == settings::storage_kind::s3;
  net::any_io_executor const reads = remote ? disk : net::any_io_executor{};

  // Upload-reply replies: <vdir>/.bits-reply/<token>, served whatever downloads_enabled
  // says, since the client must fetch them (reference 7.5).
  if (vdir != nullptr && (get || is_head)) {
    std::string const prefix =
        vdir->policy().url + std::string(core::reserved_name_prefix) + "reply/";
    if (path->starts_with(prefix)) {
      auto const token = std::string_view(*path).substr(prefix.size());
      auto const open = [vdir, token] { return vdir->open_reply(token); };
      auto reply = co_await open_file(reads, open);
      if (!reply) co_return other_result{refused(reply.error())};
      bool const keep = head.keep_alive && head.content_length.value_or(0) == 0 && !head.chunked;
      unsigned status = 200;
      bool const ok = co_await send_download(stream, head, *reply, keep, opt, {}, status, reads);
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
  auto const open = [vdir, name = core::join_segments(*segments)] {
    return vdir->open_download(name);
  };
  auto file = co_await open_file(reads, open);
  if (!file) co_return other_result{refused(file.error())};

  bool const keep_alive = head.keep_alive && head.content_length.value_or(0) == 0 && !head.chunked;
  unsigned status = 200;
  bool const ok = co_await send_download(stream, head, *file, keep_alive, opt,
                                         digest_fields(*vdir, *file), status, reads);
  core::reply logged = plain(status);
  log.finish(logged);
  co_return other_result{std::move(logged), true, ok};
}

template net::awaitable<other_result> serve_other_method(boost::beast::tcp_stream&,
                                                         core::request_head const&,
                                                         resolved_request const&,
                                                         server_options const&, request_log&,
                                                         net::any_io_executor const&);
template net::awaitable<other_result> serve_other_method(tls_stream&, core::request_head const&,
                                                         resolved_request const&,
                                                         server_options const&, request_log&,
                                                         net::any_io_executor const&);

}  // namespace bits::server
