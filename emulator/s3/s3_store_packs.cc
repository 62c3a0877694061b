// S3Store::CompactPacks: moves the bodies that sparse packs still hold to the
// current pack, so that the packs they leave are unlinked (storage.h, "Packs").
#include <leveldb/write_batch.h>

#include <set>

#include "emulator/s3/records.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {

Result<std::uint64_t> S3Store::CompactPacks(std::uint64_t min_reclaim) {
  // Only the packs whose linked bytes fit in the room there is: moving part
  // of a pack takes space and frees none until the last body has moved.
  std::set<std::uint64_t> packs;
  for (const auto& sparse : storage_.SparsePacks(min_reclaim))
    if (storage_.HasRoomToCompact(static_cast<std::uint64_t>(sparse.live))) packs.insert(sparse.pack);
  if (packs.empty()) return std::uint64_t{0};
  // The records that link their bodies: current objects (o/) and noncurrent
  // versions (v/). Multipart parts are never packed.
  struct Linked {
    std::string record_key, bucket, key, blob_id;
  };
  std::vector<Linked> linked;
  {
    auto it = storage_.NewIterator();
    for (std::string_view prefix : {storage::keys::kObjectPrefix, storage::keys::kVersionPrefix}) {
      for (it->Seek(std::string(prefix)); it->Valid(); it->Next()) {
        std::string_view k(it->key().data(), it->key().size());
        if (!k.starts_with(prefix)) break;
        std::string_view rest = k.substr(prefix.size());
        const std::size_t slash = rest.find('/');
        if (slash == std::string_view::npos) continue;
        std::string_view bucket = rest.substr(0, slash), key = rest.substr(slash + 1);
        if (prefix == storage::keys::kVersionPrefix) {
          const std::size_t nul = key.rfind('\0');
          if (nul == std::string_view::npos) continue;
          key = key.substr(0, nul);
        }
        auto record = DecodeObject(key, std::string_view(it->value().data(), it->value().size()),
                                   /*with_body=*/false);
        if (!record || !storage::IsPackedId(record->blob_id)) continue;
        auto ref = storage::ParsePackedId(record->blob_id);
        if (!ref || !packs.contains(ref->pack)) continue;
        linked.push_back({std::string(k), std::string(bucket), std::string(key), record->blob_id});
      }
    }
    if (!it->status().ok())
      return MakeError(ErrorCode::kInternalError, "storage: " + it->status().ToString());
  }
  std::uint64_t moved = 0;
  std::string body;
  for (const Linked& l : linked) {
    // As a write of the key: no bucket deletion, no other write of it, meanwhile.
    std::shared_lock buckets(buckets_mu_);
    std::lock_guard key_lock(KeyLock(l.bucket, l.key));
    auto data = storage_.Get(l.record_key);
    if (!data) return data.error();
    if (!*data) continue;  // deleted since the scan
    auto record = DecodeObject(l.key, **data);
    if (!record || record->blob_id != l.blob_id) continue;  // overwritten since
    const auto ref = storage::ParsePackedId(l.blob_id);
    body.resize(static_cast<std::size_t>(ref->length));
    if (auto st = storage_.ReadBlob(l.blob_id, 0, ref->length, body.data()); !st)
      return st.error();
    auto appended = storage_.AppendPacked(body, /*reclaim=*/true);
    if (!appended) return appended.error();
    record->blob_id = *appended;
    leveldb::WriteBatch batch;
    batch.Put(l.record_key, EncodeObject(*record));
    if (auto st = storage_.Commit(batch, {*appended}, {l.blob_id}); !st) {
      storage_.ForgetPacked(*appended);
      return st.error();
    }
    ++moved;
  }
  return moved;
}

}  // namespace awslab::s3
