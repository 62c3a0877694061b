// A body being received: kept in memory while small, spilled to a blob file
// once it passes the inline threshold, so that memory stays flat for bodies
// of any size. A small body of at least kPackMinBytes goes to a pack when it
// is finished (storage.h, "Packs"). Until Release(), the destructor aborts
// the blob or forgets the packed body.
//
// Thread-safety: one StagedBody belongs to one request.
#ifndef AWSLAB_EMULATOR_STORAGE_STAGED_BODY_H_
#define AWSLAB_EMULATOR_STORAGE_STAGED_BODY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/base/error.h"
#include "emulator/storage/storage.h"

namespace awslab::storage {

// Bodies up to this size live inline in the object's LevelDB value.
inline constexpr std::uint64_t kDefaultInlineThreshold = 64 * 1024;

class StagedBody {
 public:
  StagedBody(Storage& storage, std::uint64_t inline_threshold = kDefaultInlineThreshold)
      : storage_(&storage), threshold_(inline_threshold) {}
  StagedBody(StagedBody&& other) noexcept;
  StagedBody& operator=(StagedBody&&) = delete;
  ~StagedBody();

  Status Append(std::string_view data);
  // Ends the body: closes (and fsyncs when the storage asks) the blob, or
  // appends a small body to a pack.
  Status Finish();

  std::uint64_t size() const { return size_; }
  bool in_blob() const { return blob_.has_value() || !packed_.empty(); }
  const std::string& inline_data() const { return inline_; }
  std::string TakeInlineData() { return std::move(inline_); }
  // The blob's id; valid when in_blob().
  const std::string& blob_id() const { return blob_ ? blob_->id() : packed_; }
  // The caller commits the blob (Storage::Commit links it); the destructor
  // will no longer abort it.
  void Release() { released_ = true; }

 private:
  Storage* storage_;
  std::uint64_t threshold_;
  std::uint64_t size_ = 0;
  std::string inline_;
  std::optional<BlobWriter> blob_;
  std::string packed_;  // the packed body's blob id, once Finish() packed it
  bool released_ = false;
};

}  // namespace awslab::storage

#endif  // AWSLAB_EMULATOR_STORAGE_STAGED_BODY_H_
