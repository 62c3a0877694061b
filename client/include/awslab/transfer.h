// The S3 transfer manager: uploads and downloads of files and streams, as
// the aws CLI's `s3 cp` moves them. Above a threshold an upload is a
// multipart upload whose parts go up in parallel, and a download is a set of
// ranged GETs in parallel, each written at its offset of the file. Every
// part is one S3 call through the Caller, so a part that meets a connection
// reset or a 5xx is retried on its own (a file part is a FileSource range
// and a stream's part is buffered, so both can be sent again).
//
// Memory stays under part_size × concurrency (plus small buffers): a stream
// upload reads one part-size chunk per worker; a stream download keeps at
// most `concurrency` parts waiting to be written in order.
//
// A failed multipart upload is aborted (no parts left billed); a failed
// download leaves no file under the target name (it is written to a
// temporary file in the same directory and renamed at the end).
//
// Thread-safety: a TransferManager may run several transfers at once from
// different threads; each transfer uses its own worker threads. Progress
// callbacks of one transfer are never called concurrently.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_TRANSFER_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_TRANSFER_H_

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "client/include/awslab/error.h"
#include "client/include/awslab/s3.h"

namespace awslab::client {

inline constexpr std::uint64_t kMiB = 1024 * 1024;

// The aws CLI's s3 transfer defaults.
struct TransferOptions {
  std::uint64_t multipart_threshold = 8 * kMiB;  // at or above: multipart / ranged
  std::uint64_t part_size = 8 * kMiB;            // multipart_chunksize; raised when needed to
                                                 // stay within 10,000 parts
  int concurrency = 10;                          // worker threads of one transfer
  // When set and it turns true (a Ctrl-C handler may store it), the transfer
  // starts no new part, lets the parts in flight finish, aborts its
  // multipart upload or removes its temporary file, and returns the error
  // "Cancelled". Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

// Bytes moved so far and the total (-1 while unknown: a stream being
// uploaded). Uploads advance when a part (or the single PUT) is stored;
// downloads as bytes arrive, going back when a part is retried (its bytes
// come again). `done` equals `total` at the end of a successful transfer.
using ProgressCallback = std::function<void(std::uint64_t done, std::int64_t total)>;

struct UploadResult {
  std::string etag;
  std::uint64_t size = 0;  // bytes uploaded
  int parts = 0;           // 0: a single PutObject
};

struct DownloadResult {
  std::string etag;
  std::uint64_t size = 0;  // bytes written
  int parts = 0;           // ranged GETs made; 0: a single GetObject
  s3::ObjectInfo info;     // the object's headers (of the HeadObject, or the single GET)
};

class TransferManager {
 public:
  explicit TransferManager(S3Client client, TransferOptions options = {});

  const TransferOptions& options() const { return options_; }

  // Uploads a file: one PutObject under the threshold, else a multipart
  // upload (aborted on failure). put: content type, metadata, ACL, ...
  Result<UploadResult> UploadFile(const std::string& path, const std::string& bucket,
                                  const std::string& key, const s3::PutObjectOptions& put = {},
                                  const ProgressCallback& progress = {});

  // Uploads a stream of unknown length (stdin, a pipe) read to its end in
  // part-size chunks: a single PutObject when everything fits under the
  // threshold, else a multipart upload. The FILE is not closed.
  Result<UploadResult> UploadStream(std::FILE* in, const std::string& bucket,
                                    const std::string& key, const s3::PutObjectOptions& put = {},
                                    const ProgressCallback& progress = {});

  // Downloads to a file (created or replaced; via a temporary file in the
  // same directory that is renamed at the end). HeadObject first; objects
  // at or above the threshold come as parallel ranged GETs (If-Match the
  // object's ETag, so a change in between fails the download).
  Result<DownloadResult> DownloadFile(const std::string& bucket, const std::string& key,
                                      const std::string& path,
                                      const ProgressCallback& progress = {});

  // Downloads to a stream (stdout), bytes in order. Large objects are
  // fetched as ranged GETs in parallel and written in order. The FILE is
  // flushed, not closed. A failure part-way leaves the bytes written so far.
  Result<DownloadResult> DownloadStream(const std::string& bucket, const std::string& key,
                                        std::FILE* out, const ProgressCallback& progress = {});

  // The part size of a multipart upload of `size` bytes, as s3transfer's
  // ChunksizeAdjuster: options().part_size within S3's 5 MiB to 5 GiB,
  // doubled until 10,000 parts are enough. Ranged downloads use
  // options().part_size as it is.
  std::uint64_t PartSizeFor(std::uint64_t size) const;

 private:
  S3Client client_;
  TransferOptions options_;
};

}  // namespace awslab::client

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_TRANSFER_H_
