#include "emulator/storage/staged_body.h"

#include "emulator/base/spare_buffers.h"

namespace awslab::storage {

StagedBody::StagedBody(StagedBody&& other) noexcept
    : storage_(other.storage_),
      threshold_(other.threshold_),
      size_(other.size_),
      inline_(std::move(other.inline_)),
      blob_(std::move(other.blob_)),
      packed_(std::move(other.packed_)),
      released_(other.released_) {
  other.blob_.reset();
  other.packed_.clear();
  other.released_ = true;
}

StagedBody::~StagedBody() {
  GiveSpareBuffer(inline_);
  if (!packed_.empty() && !released_) storage_->ForgetPacked(packed_);
  if (blob_ && !released_) {
    std::string id = blob_->id();
    blob_.reset();  // closes the descriptor
    storage_->AbortBlob(id);
  }
}

Status StagedBody::Append(std::string_view data) {
  size_ += data.size();
  if (!blob_) {
    if (inline_.size() + data.size() <= threshold_) {
      if (inline_.capacity() == 0 && data.size() >= 1024) TakeSpareBuffer(inline_);
      inline_.append(data);
      return Ok();
    }
    if (auto st = storage_->CheckSpace(inline_.size() + data.size(), true); !st) return st;
    auto writer = storage_->BeginBlob();
    if (!writer) return writer.error();
    blob_.emplace(std::move(*writer));
    if (!inline_.empty()) {
      if (auto st = blob_->Write(inline_); !st) return st;
      std::string().swap(inline_);
    }
    return blob_->Write(data);
  }
  // A blob that grows needs room left for everything else.
  if (auto st = storage_->CheckSpace(data.size(), true); !st) return st;
  return blob_->Write(data);
}

Status StagedBody::Finish() {
  if (blob_) return blob_->Close(storage_->fsync());
  if (packed_.empty() && inline_.size() >= kPackMinBytes) {
    auto id = storage_->AppendPacked(inline_);
    if (!id) return id.error();
    packed_ = std::move(*id);
    GiveSpareBuffer(inline_);
  }
  return Ok();
}

}  // namespace awslab::storage
