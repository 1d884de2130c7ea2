// Streaming SHA-256: equal to the one-shot digest wherever the stream is cut, saved
// and restored; resuming reads only the bytes after the saved state.
#include "hooks/sha256.hpp"

#include "support/digest.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace bits::hooks {
namespace {

TEST(Sha256, KnownDigestsInHexAndBase64) {
  sha256_stream s;
  EXPECT_EQ(s.digest().hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.digest().base64(), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  s.update(std::string_view("abc"));
  EXPECT_EQ(s.digest().hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(s.size(), 3U);
}

TEST(Sha256, StreamedInPiecesEqualsTheWholeAtEveryCut) {
  std::string const data = test::random_bytes(3000, 7);
  std::string const expected = test::sha256_hex(data);
  for (std::size_t cut = 0; cut <= data.size(); cut += 37) {
    sha256_stream s;
    s.update(std::string_view(data).substr(0, cut));
    auto const middle = s.digest();  // taking a digest does not disturb the stream
    EXPECT_EQ(middle.hex(), test::sha256_hex(data.substr(0, cut)));
    s.update(std::string_view(data).substr(cut));
    EXPECT_EQ(s.digest().hex(), expected) << "cut at " << cut;
  }
}

TEST(Sha256, SavedAndRestoredAtEveryOffsetGivesTheSameDigest) {
  std::string const data = test::random_bytes(300, 11);
  std::string const expected = test::sha256_hex(data);
  for (std::size_t at = 0; at <= data.size(); ++at) {
    sha256_stream s;
    s.update(std::string_view(data).substr(0, at));
    std::string const saved = s.save();
    EXPECT_LE(saved.size(), 240U);
    EXPECT_EQ(saved.find(' '), std::string::npos);
    auto restored = sha256_stream::restore(saved);
    ASSERT_TRUE(restored) << saved;
    EXPECT_EQ(restored->size(), at);
    restored->update(std::string_view(data).substr(at));
    EXPECT_EQ(restored->digest().hex(), expected) << "restored at " << at;
  }
}

TEST(Sha256, DamagedStatesAreRefused) {
  sha256_stream s;
  s.update(std::string_view("hello world, seventy bytes or so of data to leave a partial block"));
  std::string const good = s.save();
  ASSERT_TRUE(sha256_stream::restore(good));
  EXPECT_FALSE(sha256_stream::restore(""));
  EXPECT_FALSE(sha256_stream::restore("sha256-v2" + good.substr(9)));
  EXPECT_FALSE(sha256_stream::restore(good.substr(0, good.size() - 2)));  // partial block short
  EXPECT_FALSE(sha256_stream::restore(good + "00"));                      // partial block long
  std::string bad_hex = good;
  bad_hex[bad_hex.find(':', 10) + 1] = 'x';
  EXPECT_FALSE(sha256_stream::restore(bad_hex));
  std::string other_size = good;  // the partial block no longer fits the size
  other_size.replace(10, other_size.find(':', 10) - 10, std::to_string(s.size() + 1));
  EXPECT_FALSE(sha256_stream::restore(other_size));
}

/// A byte_reader over `data` that counts what it hands out.
struct counting_reader {
  std::string const* data;
  std::uint64_t* read;
  result<std::size_t> operator()(std::uint64_t offset, std::span<std::byte> out) const {
    if (offset >= data->size()) return std::size_t{0};
    auto const n = std::min<std::size_t>(out.size(), data->size() - offset);
    std::memcpy(out.data(), data->data() + offset, n);
    *read += n;
    return n;
  }
};

TEST(Sha256, ResumeReadsOnlyWhatCameAfterTheSavedState) {
  std::string const data = test::random_bytes(5000, 3);
  sha256_stream s;
  s.update(std::string_view(data).substr(0, 1234));
  std::uint64_t read = 0;
  auto r = resume_sha256(s.save(), 4000, counting_reader{&data, &read});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bytes_read, 4000U - 1234U);
  EXPECT_EQ(read, 4000U - 1234U);
  EXPECT_EQ(r->stream.digest().hex(), test::sha256_hex(data.substr(0, 4000)));
}

TEST(Sha256, ResumeStartsOverWithoutAUsableState) {
  std::string const data = test::random_bytes(5000, 4);
  sha256_stream ahead;  // saved at 4500, but only 3000 bytes survived (cut after power loss)
  ahead.update(std::string_view(data).substr(0, 4500));
  for (std::string const& saved : {std::string(), std::string("garbage"), ahead.save()}) {
    std::uint64_t read = 0;
    auto r = resume_sha256(saved, 3000, counting_reader{&data, &read});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bytes_read, 3000U);
    EXPECT_EQ(r->stream.digest().hex(), test::sha256_hex(data.substr(0, 3000)));
  }
}

TEST(Sha256, ResumeFailsWhenTheDataIsShorterThanClaimed) {
  std::string const data = test::random_bytes(100, 5);
  std::uint64_t read = 0;
  auto r = resume_sha256("", 200, counting_reader{&data, &read});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(error::storage_failure));
}

TEST(Sha256, DigestFromHex) {
  auto const d =
      sha256_digest::from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(sha256_digest::from_hex("ba78"));
  EXPECT_FALSE(sha256_digest::from_hex(std::string(64, 'g')));
}

}  // namespace
}  // namespace bits::hooks
