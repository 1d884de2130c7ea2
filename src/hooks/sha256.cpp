// sha256_stream on libcrypto's SHA256_CTX. The SHA256_* functions are deprecated in
// OpenSSL 3.0 in favour of EVP, whose contexts cannot be saved; they remain part of the
// 3.x API, and this file is the only user.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "hooks/sha256.hpp"

#include "core/number_text.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <vector>

namespace bits::hooks {
namespace {

static_assert(sizeof(SHA256_CTX) <= 112 && alignof(SHA256_CTX) <= 8);
static_assert(SHA256_CBLOCK == 64);

constexpr std::string_view save_prefix = "sha256-v1:";
constexpr std::size_t resume_chunk = 1024 * 1024;

SHA256_CTX& ctx_of(std::array<unsigned char, 112>& storage) noexcept {
  return *reinterpret_cast<SHA256_CTX*>(storage.data());
}
SHA256_CTX const& ctx_of(std::array<unsigned char, 112> const& storage) noexcept {
  return *reinterpret_cast<SHA256_CTX const*>(storage.data());
}

}  // namespace

std::string sha256_digest::hex() const {
  return core::format_hex_bytes(bytes, core::hex_case::lower);
}

std::string sha256_digest::base64() const {
  std::array<unsigned char, 4 * ((32 + 2) / 3) + 1> out{};
  int const n = EVP_EncodeBlock(out.data(), bytes.data(), static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<char const*>(out.data()), static_cast<std::size_t>(n));
}

std::optional<sha256_digest> sha256_digest::from_hex(std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  auto const raw = core::parse_hex_bytes(text);
  if (!raw) return std::nullopt;
  sha256_digest d;
  std::memcpy(d.bytes.data(), raw->data(), d.bytes.size());
  return d;
}

sha256_stream::sha256_stream() noexcept {
  SHA256_Init(&ctx_of(ctx_));
}

void sha256_stream::update(std::span<std::byte const> bytes) noexcept {
  if (bytes.empty()) return;
  SHA256_Update(&ctx_of(ctx_), bytes.data(), bytes.size());
  size_ += bytes.size();
}

void sha256_stream::update(std::string_view bytes) noexcept {
  update(std::as_bytes(std::span{bytes.data(), bytes.size()}));
}

sha256_digest sha256_stream::digest() const noexcept {
  SHA256_CTX copy = ctx_of(ctx_);
  sha256_digest d;
  SHA256_Final(d.bytes.data(), &copy);
  return d;
}

std::string sha256_stream::save() const {
  SHA256_CTX const& c = ctx_of(ctx_);
  std::array<std::uint8_t, 32> words{};
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t b = 0; b < 4; ++b) {
      words[i * 4 + b] = static_cast<std::uint8_t>((c.h[i] >> (24 - 8 * b)) & 0xFFU);
    }
  }
  auto const* block = reinterpret_cast<std::uint8_t const*>(c.data);
  std::string out(save_prefix);
  out += std::to_string(size_);
  out += ':';
  out += core::format_hex_bytes(words, core::hex_case::lower);
  out += ':';
  out += core::format_hex_bytes(std::span{block, static_cast<std::size_t>(size_ % SHA256_CBLOCK)},
                                core::hex_case::lower);
  return out;
}

std::optional<sha256_stream> sha256_stream::restore(std::string_view saved) {
  if (!saved.starts_with(save_prefix)) return std::nullopt;
  saved.remove_prefix(save_prefix.size());
  auto const colon1 = saved.find(':');
  if (colon1 == std::string_view::npos) return std::nullopt;
  auto const colon2 = saved.find(':', colon1 + 1);
  if (colon2 == std::string_view::npos) return std::nullopt;
  auto const size = core::parse_decimal_u64(saved.substr(0, colon1));
  auto const words = core::parse_hex_bytes(saved.substr(colon1 + 1, colon2 - colon1 - 1));
  auto const partial = core::parse_hex_bytes(saved.substr(colon2 + 1));
  if (!size || !words || !partial || words->size() != 32) return std::nullopt;
  if (partial->size() != *size % SHA256_CBLOCK) return std::nullopt;
  // The bit count must fit the 64 bits SHA-256 pads with.
  if (*size > (UINT64_MAX >> 3U)) return std::nullopt;

  sha256_stream s;
  SHA256_CTX& c = ctx_of(s.ctx_);
  for (std::size_t i = 0; i < 8; ++i) {
    SHA_LONG w = 0;
    for (std::size_t b = 0; b < 4; ++b) w = (w << 8U) | (*words)[i * 4 + b];
    c.h[i] = w;
  }
  std::uint64_t const bits = *size << 3U;
  c.Nl = static_cast<SHA_LONG>(bits & 0xFFFFFFFFU);
  c.Nh = static_cast<SHA_LONG>(bits >> 32U);
  std::memset(c.data, 0, sizeof(c.data));
  if (!partial->empty()) std::memcpy(c.data, partial->data(), partial->size());
  c.num = static_cast<unsigned int>(partial->size());
  c.md_len = SHA256_DIGEST_LENGTH;
  s.size_ = *size;
  return s;
}

result<resumed_sha256> resume_sha256(std::string_view saved, std::uint64_t length,
                                     byte_reader const& read) {
  resumed_sha256 r;
  if (auto restored = sha256_stream::restore(saved); restored && restored->size() <= length) {
    r.stream = *restored;
  }
  std::vector<std::byte> buffer(
      static_cast<std::size_t>(std::min<std::uint64_t>(resume_chunk, length)));
  while (r.stream.size() < length) {
    auto const want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - r.stream.size()));
    auto got = read(r.stream.size(), std::span{buffer.data(), want});
    if (!got) return got.error();
    if (*got == 0) return make_error_code(error::storage_failure);
    r.stream.update(std::span<std::byte const>{buffer.data(), std::min(*got, want)});
    r.bytes_read += std::min(*got, want);
  }
  return r;
}

}  // namespace bits::hooks
