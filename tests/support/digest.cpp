// SHA-256 through OpenSSL EVP; data from a seeded mt19937_64.
#include "support/digest.hpp"

#include "core/number_text.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>

namespace bits::test {
namespace {

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

std::string finish(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned size = 0;
  if (EVP_DigestFinal_ex(ctx, md.data(), &size) != 1) return {};
  return core::format_hex_bytes(std::span<std::uint8_t const>(md.data(), size),
                                core::hex_case::lower);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  if (EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1) return {};
  return finish(ctx.get());
}

std::string sha256_file_hex(std::filesystem::path const& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  std::array<char, 65536> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    auto const got = in.gcount();
    if (got > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(got)) != 1) {
      return {};
    }
  }
  if (in.bad()) return {};
  return finish(ctx.get());
}

std::string random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::string out(size, '\0');
  std::size_t i = 0;
  // Eight bytes per draw keeps 40 MiB of data cheap to make.
  while (i < size) {
    std::uint64_t word = engine();
    for (int b = 0; b < 8 && i < size; ++b, ++i) {
      out[i] = static_cast<char>(static_cast<unsigned char>(word & 0xFFU));
      word >>= 8U;
    }
  }
  return out;
}

std::string read_file(std::filesystem::path const& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write_file(std::filesystem::path const& file, std::string_view data) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}

}  // namespace bits::test
