// Identifiers: request ids as S3 shows them, and random ids for blobs.
//
// Thread-safety: every function may be called from any thread.
#ifndef AWSLAB_EMULATOR_BASE_IDS_H_
#define AWSLAB_EMULATOR_BASE_IDS_H_

#include <string>

namespace awslab {

// 16 uppercase hex characters, like S3's x-amz-request-id.
std::string NewRequestId();
// Base64 of 48 random bytes' worth, like S3's x-amz-id-2.
std::string NewExtendedRequestId();
// 32 lowercase hex characters (128 random bits); names blob files.
std::string NewBlobId();
// A random (version 4) UUID, as EC2 and JSON services name their requests.
std::string NewUuid();

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_IDS_H_
