#include "emulator/s3/s3_store.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>

namespace awslab::s3 {
namespace {

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-s3-test-" + std::to_string(std::random_device()()));
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    store_ = std::make_unique<S3Store>(*storage_, clock_);
  }
  void TearDown() override {
    store_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  Result<ObjectRecord> Put(const Principal& who, std::string bucket, std::string key,
                           std::string body, std::uint64_t threshold = 64) {
    storage::StagedBody staged(*storage_, threshold);
    EXPECT_TRUE(staged.Append(body));
    EXPECT_TRUE(staged.Finish());
    return store_->PutObject(who, bucket, key, {}, std::move(staged), "etag");
  }
  ErrorCode CodeOf(const Status& s) { return s ? ErrorCode::kInternalError : s.error().code; }

  std::filesystem::path dir_;
  ManualClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<S3Store> store_;
  Principal alice_{"111122223333", "AKIAALICE", false};
  Principal bob_{"444455556666", "AKIABOB", false};
};

TEST_F(S3StoreTest, BucketNamesAreUniqueAcrossAccounts) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"shared-name", "", "us-east-1", {}, std::nullopt}));
  auto again = store_->CreateBucket(bob_, {"shared-name", "", "us-east-1", {}, std::nullopt});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kBucketAlreadyExists);
}

TEST_F(S3StoreTest, OwnerRecreatingAUsEast1BucketGetsOkElsewhereAnError) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"east", "", "us-east-1", {}, std::nullopt}));
  EXPECT_TRUE(store_->CreateBucket(alice_, {"east", "", "us-east-1", {}, std::nullopt}));
  ASSERT_TRUE(store_->CreateBucket(alice_, {"west", "us-west-2", "us-west-2", {}, std::nullopt}));
  auto again = store_->CreateBucket(alice_, {"west", "us-west-2", "us-west-2", {}, std::nullopt});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kBucketAlreadyOwnedByYou);
}

TEST_F(S3StoreTest, LocationConstraintRules) {
  const struct {
    std::string constraint, endpoint;
    bool ok;
    ErrorCode code;
    std::string region;
  } kCases[] = {
      {"", "us-east-1", true, {}, "us-east-1"},
      {"us-west-2", "us-east-1", true, {}, "us-west-2"},
      {"us-west-2", "us-west-2", true, {}, "us-west-2"},
      {"EU", "us-east-1", true, {}, "eu-west-1"},
      {"", "us-west-2", false, ErrorCode::kIllegalLocationConstraintException, ""},
      {"us-west-1", "us-west-2", false, ErrorCode::kIllegalLocationConstraintException, ""},
      {"us-east-1", "us-east-1", false, ErrorCode::kInvalidLocationConstraint, ""},
      {"mars-1", "us-east-1", false, ErrorCode::kInvalidLocationConstraint, ""},
  };
  int i = 0;
  for (const auto& c : kCases) {
    std::string name = "bucket-" + std::to_string(i++);
    auto r = store_->CreateBucket(alice_, {name, c.constraint, c.endpoint, {}, std::nullopt});
    ASSERT_EQ(static_cast<bool>(r), c.ok) << c.constraint << " at " << c.endpoint;
    if (c.ok) EXPECT_EQ(r->region, c.region);
    else EXPECT_EQ(r.error().code, c.code) << c.constraint << " at " << c.endpoint;
  }
}

TEST_F(S3StoreTest, OnlyTheOwnerMayUseABucket) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"alices", "", "us-east-1", {}, std::nullopt}));
  ASSERT_TRUE(Put(alice_, "alices", "k", "v"));
  EXPECT_EQ(Put(bob_, "alices", "k", "v").error().code, ErrorCode::kAccessDenied);
  EXPECT_EQ(store_->GetObject(bob_, "alices", "k").error().code, ErrorCode::kAccessDenied);
  EXPECT_EQ(store_->GetObject(Principal::Anonymous(), "alices", "k").error().code,
            ErrorCode::kAccessDenied);
  EXPECT_EQ(CodeOf(store_->DeleteBucket(bob_, "alices")), ErrorCode::kAccessDenied);
  auto bobs = store_->ListBuckets(bob_);
  ASSERT_TRUE(bobs);
  EXPECT_TRUE(bobs->empty());
}

TEST_F(S3StoreTest, ABucketWithObjectsCannotBeDeleted) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"full", "", "us-east-1", {}, std::nullopt}));
  ASSERT_TRUE(Put(alice_, "full", "k", "v"));
  EXPECT_EQ(CodeOf(store_->DeleteBucket(alice_, "full")), ErrorCode::kBucketNotEmpty);
  ASSERT_TRUE(store_->DeleteObject(alice_, "full", "k"));
  EXPECT_TRUE(store_->DeleteBucket(alice_, "full"));
  EXPECT_EQ(store_->GetBucket(alice_, "full", action::kListBucket).error().code, ErrorCode::kNoSuchBucket);
}

TEST_F(S3StoreTest, OverwriteAndDeleteFreeTheOldBlob) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"blobs", "", "us-east-1", {}, std::nullopt}));
  ASSERT_TRUE(Put(alice_, "blobs", "k", std::string(100, 'a'), 10));
  ASSERT_EQ(storage_->ListBlobFiles().size(), 1u);
  ASSERT_TRUE(Put(alice_, "blobs", "k", std::string(100, 'b'), 10));
  ASSERT_EQ(storage_->ListBlobFiles().size(), 1u);
  auto got = store_->GetObject(alice_, "blobs", "k");
  ASSERT_TRUE(got);
  EXPECT_EQ(storage_->ListBlobFiles(), std::vector<std::string>{got->blob_id});
  ASSERT_TRUE(Put(alice_, "blobs", "k", "small now", 10));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  ASSERT_TRUE(Put(alice_, "blobs", "k", std::string(100, 'c'), 10));
  ASSERT_TRUE(store_->DeleteObject(alice_, "blobs", "k"));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
}

TEST_F(S3StoreTest, KeysLongerThan1024BytesAreRefused) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"keys", "", "us-east-1", {}, std::nullopt}));
  EXPECT_TRUE(Put(alice_, "keys", std::string(1024, 'k'), "v"));
  EXPECT_EQ(Put(alice_, "keys", std::string(1025, 'k'), "v").error().code,
            ErrorCode::kKeyTooLongError);
}

TEST_F(S3StoreTest, ListingRollsUpCommonPrefixesAndPagesWithoutRepeats) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"list", "", "us-east-1", {}, std::nullopt}));
  for (std::string k : {"a.txt", "photos/2016/a.jpg", "photos/2016/b.jpg", "photos/2017/c.jpg",
                        "photos/top.jpg", "z.txt", "photos/"})
    ASSERT_TRUE(Put(alice_, "list", k, "x"));

  ListObjectsRequest top{"list", "", "/", "", false, 1000};
  auto r = store_->ListObjects(alice_, top);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "a.txt");
  EXPECT_EQ(r->objects[1].key, "z.txt");
  EXPECT_EQ(r->common_prefixes, std::vector<std::string>{"photos/"});

  ListObjectsRequest photos{"list", "photos/", "/", "", false, 1000};
  r = store_->ListObjects(alice_, photos);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "photos/");
  EXPECT_EQ(r->objects[1].key, "photos/top.jpg");
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"photos/2016/", "photos/2017/"}));

  // One entry a page: every key or prefix exactly once, in order.
  std::vector<std::string> seen;
  ListObjectsRequest page{"list", "photos/", "/", "", false, 1};
  for (int guard = 0; guard < 20; ++guard) {
    r = store_->ListObjects(alice_, page);
    ASSERT_TRUE(r);
    for (const auto& o : r->objects) seen.push_back(o.key);
    for (const auto& p : r->common_prefixes) seen.push_back(p);
    if (!r->truncated) break;
    page.start_after = r->next_start_after;
    page.start_after_is_prefix = r->next_start_after_is_prefix;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"photos/", "photos/2016/", "photos/2017/",
                                            "photos/top.jpg"}));
}

// --- Multipart -----------------------------------------------------------

class MultipartTest : public S3StoreTest {
 protected:
  void SetUp() override {
    S3StoreTest::SetUp();
    store_->set_min_part_size(4);
    ASSERT_TRUE(store_->CreateBucket(alice_, {"mpu", "", "us-east-1", {}, std::nullopt}));
  }
  Result<PartRecord> PutPart(const std::string& upload_id, int n, const std::string& body,
                             std::string etag) {
    storage::StagedBody staged(*storage_, 0);
    EXPECT_TRUE(staged.Append(body));
    EXPECT_TRUE(staged.Finish());
    PartRecord part;
    part.part_number = n;
    part.etag = std::move(etag);
    return store_->PutPart(alice_, "mpu", "key", upload_id, std::move(part), std::move(staged));
  }
  std::string ReadAll(const ObjectRecord& o) {
    auto segments = store_->OpenSegments(o, {0, o.size});
    EXPECT_TRUE(segments);
    std::string out;
    for (const auto& seg : *segments) {
      std::string buf(seg.length, '\0');
      EXPECT_EQ(::pread(seg.fd, buf.data(), buf.size(), static_cast<off_t>(seg.offset)),
                static_cast<ssize_t>(buf.size()));
      ::close(seg.fd);
      out += buf;
    }
    return out;
  }
};

TEST_F(MultipartTest, CompletingLinksThePartBlobsWithoutCopying) {
  auto upload = store_->CreateMultipartUpload(alice_, "mpu", "key", {}, {});
  ASSERT_TRUE(upload);
  auto p1 = PutPart(upload->upload_id, 1, "aaaa", "e1");
  auto p2 = PutPart(upload->upload_id, 2, "bbbbb", "e2");
  auto p3 = PutPart(upload->upload_id, 3, "cc", "e3");
  ASSERT_TRUE(p1 && p2 && p3);
  // An unfinished upload keeps the bucket non-empty.
  EXPECT_EQ(CodeOf(store_->DeleteBucket(alice_, "mpu")), ErrorCode::kBucketNotEmpty);

  auto files_before = storage_->ListBlobFiles();
  ASSERT_EQ(files_before.size(), 3u);
  // Part 2 is left out: its blob is dropped, the others are taken over.
  auto object = store_->CompleteUpload(alice_, "mpu", "key", upload->upload_id,
                                       {{1, "e1", ""}, {3, "e3", ""}}, nullptr);
  ASSERT_TRUE(object) << object.error().Message();
  EXPECT_EQ(object->size, 6u);
  EXPECT_TRUE(object->etag.ends_with("-2"));
  auto files_after = storage_->ListBlobFiles();
  std::sort(files_after.begin(), files_after.end());
  std::vector<std::string> expected = {p1->blob_id, p3->blob_id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(files_after, expected);
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());

  auto got = store_->GetObject(alice_, "mpu", "key");
  ASSERT_TRUE(got);
  EXPECT_EQ(ReadAll(*got), "aaaacc");
  // The upload is gone; the bucket holds only the object now.
  EXPECT_EQ(store_->GetUpload(alice_, "mpu", "key", upload->upload_id).error().code,
            ErrorCode::kNoSuchUpload);
  ASSERT_TRUE(store_->DeleteObject(alice_, "mpu", "key"));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(store_->DeleteBucket(alice_, "mpu"));
}

TEST_F(MultipartTest, CompleteChecksPartsOrderEtagsAndSizes) {
  auto upload = store_->CreateMultipartUpload(alice_, "mpu", "key", {}, {});
  ASSERT_TRUE(upload);
  ASSERT_TRUE(PutPart(upload->upload_id, 1, "ab", "e1"));  // smaller than the minimum
  ASSERT_TRUE(PutPart(upload->upload_id, 2, "cdef", "e2"));
  const std::string& id = upload->upload_id;
  auto code = [&](std::vector<CompletedPart> parts) {
    auto r = store_->CompleteUpload(alice_, "mpu", "key", id, parts, nullptr);
    return r ? ErrorCode::kInternalError : r.error().code;
  };
  EXPECT_EQ(code({{2, "e2", ""}, {1, "e1", ""}}), ErrorCode::kInvalidPartOrder);
  EXPECT_EQ(code({{1, "e1", ""}, {1, "e1", ""}}), ErrorCode::kInvalidPartOrder);
  EXPECT_EQ(code({{1, "wrong", ""}}), ErrorCode::kInvalidPart);
  EXPECT_EQ(code({{7, "e7", ""}}), ErrorCode::kInvalidPart);
  EXPECT_EQ(code({{1, "e1", ""}, {2, "e2", ""}}), ErrorCode::kEntityTooSmall);
  // A failed completion leaves the upload as it was.
  auto parts = store_->ListParts(alice_, "mpu", "key", id, 0, 1000);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->parts.size(), 2u);
  // The last part may be small.
  EXPECT_EQ(code({{2, "e2", ""}}), ErrorCode::kInternalError);  // i.e. succeeded
}

TEST_F(MultipartTest, ReplacingAPartDropsTheOldBlobAndAbortDropsAll) {
  auto upload = store_->CreateMultipartUpload(alice_, "mpu", "key", {}, {});
  ASSERT_TRUE(upload);
  ASSERT_TRUE(PutPart(upload->upload_id, 1, "old", "e1"));
  auto again = PutPart(upload->upload_id, 1, "new!", "e1b");
  ASSERT_TRUE(again);
  EXPECT_EQ(storage_->ListBlobFiles(), std::vector<std::string>{again->blob_id});
  ASSERT_TRUE(store_->AbortUpload(alice_, "mpu", "key", upload->upload_id));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_EQ(CodeOf(store_->AbortUpload(alice_, "mpu", "key", upload->upload_id)),
            ErrorCode::kNoSuchUpload);
  // A part for an aborted upload is refused and its blob not kept.
  EXPECT_EQ(PutPart(upload->upload_id, 2, "late", "e2").error().code, ErrorCode::kNoSuchUpload);
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
}

TEST_F(MultipartTest, ListUploadsOrdersByKeyThenInitiationAndPages) {
  std::vector<std::string> ids;
  for (const char* key : {"b", "a", "b", "c/x", "c/y"}) {
    clock_.Advance(std::chrono::seconds(1));
    auto u = store_->CreateMultipartUpload(alice_, "mpu", key, {}, {});
    ASSERT_TRUE(u);
    ids.push_back(u->upload_id);
  }
  ListUploadsRequest req;
  req.bucket = "mpu";
  req.max_uploads = 2;
  auto page = store_->ListUploads(alice_, req);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->uploads.size(), 2u);
  EXPECT_EQ(page->uploads[0].key, "a");
  EXPECT_EQ(page->uploads[1].upload_id, ids[0]);  // the first "b"
  EXPECT_TRUE(page->truncated);
  req.key_marker = page->next_key_marker;
  req.upload_id_marker = page->next_upload_id_marker;
  req.delimiter = "/";
  req.max_uploads = 10;
  page = store_->ListUploads(alice_, req);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->uploads.size(), 1u);
  EXPECT_EQ(page->uploads[0].upload_id, ids[2]);  // the second "b"
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"c/"});
  EXPECT_FALSE(page->truncated);
}

TEST_F(S3StoreTest, CopyCopiesTheDataAndSurvivesTheSourceBeingDeleted) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"src", "", "us-east-1", {}, std::nullopt}));
  ASSERT_TRUE(store_->CreateBucket(alice_, {"dst", "", "us-east-1", {}, std::nullopt}));
  std::string body(100000, 'z');  // above the inline threshold
  ASSERT_TRUE(Put(alice_, "src", "k", body, /*threshold=*/10));
  auto source = store_->GetObject(alice_, "src", "k");
  ASSERT_TRUE(source);
  ObjectMetadata meta;
  meta.content_type = "text/plain";
  auto copy = store_->CopyObject(alice_, *source, "dst", "k2", meta, {{"t", "v"}});
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->size, 100000u);
  EXPECT_NE(copy->blob_id, source->blob_id);
  ASSERT_TRUE(store_->DeleteObject(alice_, "src", "k"));
  auto got = store_->GetObject(alice_, "dst", "k2");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->meta.content_type, "text/plain");
  EXPECT_EQ(got->tags, (TagSet{{"t", "v"}}));
  auto segments = store_->OpenSegments(*got, {99990, 10});
  ASSERT_TRUE(segments);
  ASSERT_EQ(segments->size(), 1u);
  char buf[10];
  EXPECT_EQ(::pread((*segments)[0].fd, buf, 10, static_cast<off_t>((*segments)[0].offset)), 10);
  ::close((*segments)[0].fd);
  EXPECT_EQ(std::string(buf, 10), std::string(10, 'z'));
}

TEST_F(S3StoreTest, AMarkerInsideACommonPrefixSkipsThatPrefix) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"mkr", "", "us-east-1", {}, std::nullopt}));
  for (const char* k : {"a/1", "a/2", "b", "c/1"}) ASSERT_TRUE(Put(alice_, "mkr", k, "x"));
  ListObjectsRequest req;
  req.bucket = "mkr";
  req.delimiter = "/";
  req.start_after = "a/";  // NextMarker of a page that ended with the prefix a/
  auto page = store_->ListObjects(alice_, req);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "b");
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"c/"});
}

TEST_F(S3StoreTest, LifecycleExpiresDueObjectsAndFreesTheirBlobs) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"aging", "", "us-east-1", {}, std::nullopt}));
  LifecycleRule rule;
  rule.id = "r";
  rule.enabled = true;
  rule.has_filter = true;
  rule.prefix = "tmp/";
  rule.has_expiration = true;
  rule.expiration_days = 1;
  ASSERT_TRUE(store_->PutBucketLifecycle(alice_, "aging", LifecycleConfiguration{{rule}}));
  EXPECT_TRUE(store_->AnyLifecycle());
  ASSERT_TRUE(Put(alice_, "aging", "tmp/big", std::string(100, 'a'), 10));
  ASSERT_TRUE(Put(alice_, "aging", "keep", "k"));
  ASSERT_EQ(storage_->ListBlobFiles().size(), 1u);

  auto none = store_->ApplyLifecycle();
  ASSERT_TRUE(none);
  EXPECT_EQ(none->objects_expired, 0u);
  clock_.Advance(std::chrono::hours(48));
  auto swept = store_->ApplyLifecycle();
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->objects_expired, 1u);
  EXPECT_EQ(store_->GetObject(alice_, "aging", "tmp/big").error().code, ErrorCode::kNoSuchKey);
  EXPECT_TRUE(store_->GetObject(alice_, "aging", "keep"));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());

  ASSERT_TRUE(store_->PutBucketLifecycle(alice_, "aging", std::nullopt));
  EXPECT_FALSE(store_->AnyLifecycle());
  EXPECT_EQ(store_->GetBucketLifecycle(alice_, "aging").error().code,
            ErrorCode::kNoSuchLifecycleConfiguration);
}

}  // namespace
}  // namespace awslab::s3

namespace awslab::s3 {
namespace {

// Packs (storage.h): a full pack that is mostly dropped has what it still
// links, current objects and noncurrent versions alike, moved to the current
// pack, and is then unlinked.
TEST_F(S3StoreTest, CompactingASparsePackMovesWhatItLinksAndUnlinksIt) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"packed", "", "us-east-1", {}, std::nullopt}));
  ASSERT_TRUE(store_->PutBucketVersioning(alice_, "packed", VersioningState::kEnabled));
  const std::uint64_t inline_max = storage::kDefaultInlineThreshold;
  const std::string a(4096, 'a'), b(5000, 'b'), old_v(3000, 'o'), new_v(2000, 'n');
  ASSERT_TRUE(Put(alice_, "packed", "a", a, inline_max));
  ASSERT_TRUE(Put(alice_, "packed", "b", b, inline_max));
  auto first = Put(alice_, "packed", "v", old_v, inline_max);
  ASSERT_TRUE(first);
  ASSERT_TRUE(Put(alice_, "packed", "v", new_v, inline_max));  // first is noncurrent
  auto packs = storage_->ListPacks();
  ASSERT_EQ(packs.size(), 1u);
  const std::uint64_t sparse = packs[0].pack;
  // Fill the pack with an append nothing commits, so the next one starts.
  auto filler = storage_->AppendPacked(std::string(storage::kPackBytes - packs[0].size, 'f'));
  ASSERT_TRUE(filler);
  storage_->ForgetPacked(*filler);
  ASSERT_TRUE(Put(alice_, "packed", "c", std::string(1500, 'c'), inline_max));
  ASSERT_EQ(storage_->ListPacks().size(), 2u);
  // Under the threshold, nothing moves.
  auto none = store_->CompactPacks();
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  auto moved = store_->CompactPacks(0);
  ASSERT_TRUE(moved) << moved.error().Message();
  EXPECT_EQ(*moved, 4u);  // a, b, and both versions of v
  for (const auto& p : storage_->ListPacks()) EXPECT_NE(p.pack, sparse);
  auto read = [&](const ObjectRecord& r) {
    std::string out(r.size, '\0');
    EXPECT_TRUE(storage::IsPackedId(r.blob_id));
    EXPECT_NE(storage::ParsePackedId(r.blob_id)->pack, sparse);
    EXPECT_TRUE(storage_->ReadBlob(r.blob_id, 0, r.size, out.data()));
    return out;
  };
  EXPECT_EQ(read(*store_->GetObject(alice_, "packed", "a")), a);
  EXPECT_EQ(read(*store_->GetObject(alice_, "packed", "b")), b);
  EXPECT_EQ(read(*store_->GetObject(alice_, "packed", "v")), new_v);
  auto noncurrent = store_->GetObjectVersion(alice_, "packed", "v", first->version_id,
                                            action::kGetObjectVersion);
  ASSERT_TRUE(noncurrent) << noncurrent.error().Message();
  EXPECT_EQ(read(*noncurrent), old_v);
}

}  // namespace
}  // namespace awslab::s3
