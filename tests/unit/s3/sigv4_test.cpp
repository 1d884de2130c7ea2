// SigV4 against the examples AWS publishes for S3 ("Signature Calculations for the
// Authorization Header"), plus the encoding rules those examples do not cover.
#include "s3/sigv4.hpp"

#include <gtest/gtest.h>

namespace bits::s3 {
namespace {

constexpr std::string_view access = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view empty_hash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string signature_of(std::string const& auth) {
  return auth.substr(auth.rfind('=') + 1);
}

TEST(SigV4, GetObjectExample) {
  signing_request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.payload_hash = empty_hash;
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", std::string(empty_hash)},
               {"x-amz-date", "20130524T000000Z"}};
  auto const auth = authorization(r, {access, secret, "us-east-1"});
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PutObjectExampleWithSignedPayload) {
  std::string const body = "Welcome to Amazon S3.";
  signing_request r;
  r.method = "PUT";
  r.path = "/test%24file.text";
  std::string const hash = sha256_hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  r.payload_hash = hash;
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"x-amz-content-sha256", hash}};
  EXPECT_EQ(signature_of(authorization(r, {access, secret, "us-east-1"})),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, ListObjectsExampleSortsTheQuery) {
  signing_request r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  r.payload_hash = empty_hash;
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-content-sha256", std::string(empty_hash)}};
  EXPECT_EQ(signature_of(authorization(r, {access, secret, "us-east-1"})),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, SubresourceWithoutValueKeepsItsEqualsSign) {
  // The GET Bucket lifecycle example: "?lifecycle" is signed as "lifecycle=".
  signing_request r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"lifecycle", ""}};
  r.payload_hash = empty_hash;
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-content-sha256", std::string(empty_hash)}};
  EXPECT_EQ(canonical_query(r.query), "lifecycle=");
  EXPECT_EQ(signature_of(authorization(r, {access, secret, "us-east-1"})),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(uri_encode("a b/c~d_e-f.g", true), "a%20b/c~d_e-f.g");
  EXPECT_EQ(uri_encode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(uri_encode("+=&%?\xC3\xBC", false), "%2B%3D%26%25%3F%C3%BC");
  EXPECT_EQ(canonical_query({{"uploadId", "a/b+c"}, {"partNumber", "10"}}),
            "partNumber=10&uploadId=a%2Fb%2Bc");
}

TEST(SigV4, HeaderValuesAreTrimmedAndNamesLowerCased) {
  signing_request r;
  r.method = "GET";
  r.path = "/k";
  r.payload_hash = unsigned_payload;
  r.headers = {{"X-Amz-Date", "20130524T000000Z"}, {"My-Header", "  a   b  "}, {"Host", "h"}};
  EXPECT_EQ(canonical_request(r),
            "GET\n/k\n\nhost:h\nmy-header:a b\nx-amz-date:20130524T000000Z\n\n"
            "host;my-header;x-amz-date\nUNSIGNED-PAYLOAD");
}

TEST(SigV4, AmzDate) {
  EXPECT_EQ(amz_date(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace bits::s3
