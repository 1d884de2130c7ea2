// Beast <-> core conversion.
#include "server/beast_convert.hpp"

namespace bits::server {

namespace {
std::string_view sv(boost::beast::string_view s) noexcept {
  return {s.data(), s.size()};
}
}  // namespace

core::request_head to_request_head(http::request_header<> const& req,
                                   std::optional<std::uint64_t> content_length, bool chunked) {
  core::request_head head;
  head.method = sv(req.method_string());
  head.target = sv(req.target());
  head.content_length = content_length;
  head.chunked = chunked;
  head.fields.reserve(16);
  for (auto const& f : req) head.fields.emplace_back(sv(f.name_string()), sv(f.value()));
  if (auto it = req.find(http::field::host); it != req.end()) head.host = sv(it->value());
  return head;
}

http::response<http::empty_body> to_response(core::reply const& reply, bool keep_alive) {
  http::response<http::empty_body> res{static_cast<http::status>(reply.status), 11};
  for (auto const& [name, value] : reply.fields) res.insert(name, value);
  // Acks are not cacheable (IIS sends Pragma: no-cache; reference 2.1).
  if (res.find(http::field::cache_control) == res.end()) {
    res.set(http::field::pragma, "no-cache");
    res.set(http::field::cache_control, "no-store");
  }
  res.content_length(0);
  res.keep_alive(keep_alive && !reply.close);
  return res;
}

}  // namespace bits::server
