// Reading S3's answers as RGW and AWS write them.
#include "s3/xml.hpp"

#include "s3/client.hpp"

#include <gtest/gtest.h>

namespace bits::s3::detail {
namespace {

TEST(S3Xml, ErrorBody) {
  auto e = parse_error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchUpload</Code>"
      "<Message>gone</Message><RequestId>tx1</RequestId></Error>");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "NoSuchUpload");
  EXPECT_EQ(e->message, "gone");
  EXPECT_EQ(e->request_id, "tx1");
  EXPECT_FALSE(parse_error("<ListBucketResult/>"));
  EXPECT_FALSE(parse_error("not xml <"));
}

TEST(S3Xml, ListPartsPage) {
  auto p = parse_list_parts(
      "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>true"
      "</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker><Part><PartNumber>1"
      "</PartNumber><LastModified>2026-12-03T13:27:23.803Z</LastModified><ETag>\"a\"</ETag>"
      "<Size>5242880</Size></Part><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag>"
      "<Size>7</Size></Part></ListPartsResult>");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->parts.size(), 2U);
  EXPECT_EQ(p->parts[0].number, 1);
  EXPECT_EQ(p->parts[0].size, 5242880U);
  EXPECT_EQ(p->parts[0].etag, "\"a\"");
  EXPECT_EQ(p->parts[0].last_modified, 1796304443);
  EXPECT_EQ(p->parts[1].etag, "\"b\"");
  ASSERT_TRUE(p->next_marker);
  EXPECT_EQ(*p->next_marker, "2");
}

TEST(S3Xml, ListObjectsPage) {
  auto p = parse_list_objects(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a&amp;b</Key>"
      "<Size>3</Size><ETag>\"e\"</ETag></Contents></ListBucketResult>");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->objects.size(), 1U);
  EXPECT_EQ(p->objects[0].key, "a&b");
  EXPECT_EQ(p->objects[0].size, 3U);
  EXPECT_FALSE(p->next_token);
}

TEST(S3Xml, CompleteBodyEscapesEtags) {
  EXPECT_EQ(complete_body({{1, 5, "\"x\"", 0}, {2, 1, "\"y\"", 0}}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;x&quot;"
            "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;y&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3Xml, MultipartEtag) {
  // Two parts whose MD5s are those of "a" and "b": MD5(md5(a) || md5(b)) + "-2".
  std::string const a = "a";
  std::string const b = "b";
  std::vector<part_info> parts{{1, 1, md5_etag(std::as_bytes(std::span{a.data(), a.size()})), 0},
                               {2, 1, md5_etag(std::as_bytes(std::span{b.data(), b.size()})), 0}};
  EXPECT_EQ(parts[0].etag, "\"0cc175b9c0f1b6a831c399e269772661\"");
  auto const etag = multipart_etag(parts);
  EXPECT_EQ(etag.size(), 2 + 32 + 2U);
  EXPECT_EQ(etag.substr(etag.size() - 3), "-2\"");
}

}  // namespace
}  // namespace bits::s3::detail
