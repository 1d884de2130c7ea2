// SigV4: canonical request, string to sign, and the HMAC-SHA256 chain (OpenSSL).
#include "s3/sigv4.hpp"

#include "core/number_text.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace bits::s3 {

namespace {

using digest = std::array<unsigned char, 32>;

digest hmac(std::string_view key, std::string_view data) {
  digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<unsigned char const*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::string_view as_view(digest const& d) {
  return {reinterpret_cast<char const*>(d.data()), d.size()};
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Trims surrounding blanks and folds inner runs of spaces into one (SigV4 "Trimall").
std::string trim_all(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string header_value(signing_request const& req, std::string_view name) {
  for (auto const& [n, v] : req.headers) {
    if (lower(n) == name) return trim_all(v);
  }
  return {};
}

/// (lower-case name, trimmed value), sorted by name; the names joined with ';'.
std::pair<std::string, std::string> canonical_headers(signing_request const& req) {
  std::vector<std::pair<std::string, std::string>> h;
  h.reserve(req.headers.size());
  for (auto const& [n, v] : req.headers) h.emplace_back(lower(n), trim_all(v));
  std::sort(h.begin(), h.end());
  std::string block;
  std::string names;
  for (auto const& [n, v] : h) {
    block += n + ":" + v + "\n";
    if (!names.empty()) names += ';';
    names += n;
  }
  return {block, names};
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  return core::percent_encode(s, [keep_slash](char ch) {
    auto const c = static_cast<unsigned char>(ch);
    return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
           (keep_slash && c == '/');
  });
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> const& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (auto const& [n, v] : query) enc.emplace_back(uri_encode(n, false), uri_encode(v, false));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (auto const& [n, v] : enc) {
    if (!out.empty()) out += '&';
    out += n + "=" + v;
  }
  return out;
}

std::string amz_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string sha256_hex(std::span<std::byte const> data) {
  digest d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr);
  return core::format_hex_bytes(d, core::hex_case::lower);
}

std::string sha256_hex(std::string_view data) {
  return sha256_hex(std::as_bytes(std::span{data.data(), data.size()}));
}

std::string canonical_request(signing_request const& req) {
  auto const [block, names] = canonical_headers(req);
  return std::string(req.method) + "\n" + std::string(req.path) + "\n" +
         canonical_query(req.query) + "\n" + block + "\n" + names + "\n" +
         std::string(req.payload_hash);
}

std::string authorization(signing_request const& req, signing_key const& key) {
  std::string const date_time = header_value(req, "x-amz-date");
  std::string const date = date_time.substr(0, 8);
  std::string const scope =
      date + "/" + std::string(key.region) + "/" + std::string(key.service) + "/aws4_request";
  std::string const to_sign =
      "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" + sha256_hex(canonical_request(req));
  digest k = hmac("AWS4" + std::string(key.secret_key), date);
  k = hmac(as_view(k), key.region);
  k = hmac(as_view(k), key.service);
  k = hmac(as_view(k), "aws4_request");
  digest const sig = hmac(as_view(k), to_sign);
  return "AWS4-HMAC-SHA256 Credential=" + std::string(key.access_key) + "/" + scope +
         ", SignedHeaders=" + canonical_headers(req).second +
         ", Signature=" + core::format_hex_bytes(sig, core::hex_case::lower);
}

}  // namespace bits::s3
