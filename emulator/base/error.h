// Errors as values: every failure a service model or the protocol layer can
// report is an ErrorCode, and Describe() is the one table that maps it to the
// AWS error code string and HTTP status, as MinIO's api-errors.go does.
//
// Thread-safety: everything here is immutable after static initialisation.
#ifndef AWSLAB_EMULATOR_BASE_ERROR_H_
#define AWSLAB_EMULATOR_BASE_ERROR_H_

#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace awslab {

enum class ErrorCode {
  // Generic and protocol.
  kInternalError,
  kNotImplemented,
  kMethodNotAllowed,
  kInvalidArgument,
  kInvalidRequest,
  kInvalidURI,
  kMalformedXML,
  kMissingContentLength,
  kIncompleteBody,
  kRequestTimeout,
  kRequestHeaderSectionTooLarge,
  kMetadataTooLarge,
  kEntityTooLarge,
  kMaxMessageLengthExceeded,
  kSlowDown,
  kServiceUnavailable,
  // Authentication.
  kAccessDenied,
  kInvalidAccessKeyId,
  kSignatureDoesNotMatch,
  kRequestTimeTooSkewed,
  kAuthorizationHeaderMalformed,
  kAuthorizationQueryParametersError,
  kMissingSecurityHeader,
  kExpiredToken,
  // Payload integrity.
  kXAmzContentSHA256Mismatch,
  kBadDigest,
  kInvalidDigest,
  kInvalidChunkSizeError,
  kMalformedTrailerError,
  // S3 buckets and objects.
  kInvalidBucketName,
  kBucketAlreadyExists,
  kBucketAlreadyOwnedByYou,
  kNoSuchBucket,
  kBucketNotEmpty,
  kNoSuchKey,
  kKeyTooLongError,
  kInvalidLocationConstraint,
  kIllegalLocationConstraintException,
  kTooManyBuckets,
  kInvalidStorageClass,
  kPreconditionFailed,
  kNotModified,
  kInvalidRange,
  // Multipart uploads.
  kNoSuchUpload,
  kInvalidPart,
  kInvalidPartOrder,
  kEntityTooSmall,
  kInvalidPartNumber,
  // Tagging.
  kNoSuchTagSet,
  kInvalidTag,
  kBadRequest,
  // Access control: ACLs, policies, Block Public Access, ownership, CORS.
  kMalformedACLError,
  kUnresolvableGrantByEmailAddress,
  kAccessControlListNotSupported,
  kInvalidBucketAclWithObjectOwnership,
  kMalformedPolicy,
  kNoSuchBucketPolicy,
  kNoSuchPublicAccessBlockConfiguration,
  kOwnershipControlsNotFoundError,
  kNoSuchCORSConfiguration,
  kAccessForbidden,  // a CORS preflight that no rule allows
  kUnexpectedContent,
  // POST Object (browser form uploads).
  kMalformedPOSTRequest,
  kInvalidPolicyDocument,
  kMaxPostPreDataLengthExceededError,
  // Website hosting and lifecycle (issue 12).
  kNoSuchWebsiteConfiguration,
  kNoSuchLifecycleConfiguration,
  // Server-side encryption (issue 12).
  kServerSideEncryptionConfigurationNotFoundError,
  // Versioning.
  kNoSuchVersion,
  kIllegalVersioningConfigurationException,
  // Object Lock.
  kObjectLockConfigurationNotFoundError,
  kNoSuchObjectLockConfiguration,
  kInvalidBucketState,
  // EC2 (Query API): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
  kAuthFailure,
  kUnauthorizedOperation,
  kInvalidAction,
  kMissingAction,
  kMissingParameter,
  kUnknownParameter,
  kInvalidParameterValue,
  kInvalidParameterCombination,
  kInvalidParameter,
  kInvalidFilter,
  kInvalidPaginationToken,
  kDryRunOperation,
  kUnsupportedOperation,
  kIncorrectInstanceState,
  kIncorrectState,
  kInvalidInstanceIDNotFound,
  kInvalidInstanceIDMalformed,
  kInvalidAMIIDNotFound,
  kInvalidAMIIDMalformed,
  kInvalidKeyPairNotFound,
  kInvalidKeyPairDuplicate,
  kInvalidKeyPairFormat,
  kInvalidKeyFormat,
  kInvalidGroupNotFound,
  kInvalidGroupDuplicate,
  kInvalidGroupIdMalformed,
  kInvalidGroupReserved,
  kInvalidPermissionDuplicate,
  kInvalidPermissionNotFound,
  kCannotDelete,
  kDependencyViolation,
  kInvalidAllocationIDNotFound,
  kInvalidAddressNotFound,
  kInvalidAssociationIDNotFound,
  kInvalidIPAddressInUse,
  kInvalidVolumeNotFound,
  kInvalidSpotInstanceRequestIDNotFound,
  kInvalidSpotInstanceRequestIDMalformed,
  kInvalidVolumeIDMalformed,
  kInvalidVolumeZoneMismatch,
  kVolumeInUse,
  kInvalidAttachmentNotFound,
  kInvalidZoneNotFound,
  kInvalidSubnetIDNotFound,
  kInvalidVpcIDNotFound,
  kInvalidIDMalformed,
  kInvalidInstanceType,
  kInvalidUserDataMalformed,
  kInvalidBlockDeviceMapping,
  kInvalidTagKeyMalformed,
  kTagLimitExceeded,
  kInstanceLimitExceeded,
  kAddressLimitExceeded,
  kInvalidSpotInstanceRequestConfig,
  kResourceAlreadyAssociated,
  kInsufficientFreeAddressesInSubnet,
  // IAM and STS (Query API): https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
  kNoSuchEntity,
  kEntityAlreadyExists,
  kDeleteConflict,
  kLimitExceeded,
  kValidationError,
  kInvalidInput,
  kMalformedPolicyDocument,
  kInvalidClientTokenId,
  // Keep last: the table's size is checked against it.
  kLastErrorCode = kInvalidClientTokenId,
};

// What AWS calls the error and how it is sent.
struct ErrorInfo {
  std::string_view code;     // AWS's error code, e.g. "NoSuchBucket"
  int http_status;           // e.g. 404
  std::string_view message;  // AWS's default message
};

const ErrorInfo& Describe(ErrorCode code);

// An error with the details AWS puts in its error document.
struct Error {
  ErrorCode code = ErrorCode::kInternalError;
  std::string message;   // empty: Describe(code).message
  std::string resource;  // the bucket, key or path concerned; may be empty
  // Extra elements some errors carry (e.g. BucketName, Key, StringToSign),
  // encoded in order after Message in the XML error document.
  std::vector<std::pair<std::string, std::string>> details;

  std::string_view Message() const;
};

inline Error MakeError(ErrorCode code, std::string message = {}, std::string resource = {}) {
  return Error{code, std::move(message), std::move(resource), {}};
}

template <class T>
using Result = boost::system::result<T, Error>;
using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_ERROR_H_
