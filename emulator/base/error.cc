#include "emulator/base/error.h"

#include <array>

namespace awslab {
namespace {

struct Row {
  ErrorCode code;
  ErrorInfo info;
};

// The one table. Codes, statuses and messages as in
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
constexpr Row kTable[] = {
    {ErrorCode::kInternalError,
     {"InternalError", 500, "We encountered an internal error. Please try again."}},
    {ErrorCode::kNotImplemented,
     {"NotImplemented", 501, "A header you provided implies functionality that is not implemented."}},
    {ErrorCode::kMethodNotAllowed,
     {"MethodNotAllowed", 405, "The specified method is not allowed against this resource."}},
    {ErrorCode::kInvalidArgument, {"InvalidArgument", 400, "Invalid Argument"}},
    {ErrorCode::kInvalidRequest, {"InvalidRequest", 400, "Invalid Request"}},
    {ErrorCode::kInvalidURI, {"InvalidURI", 400, "Couldn't parse the specified URI."}},
    {ErrorCode::kMalformedXML,
     {"MalformedXML", 400,
      "The XML you provided was not well-formed or did not validate against our published "
      "schema."}},
    {ErrorCode::kMissingContentLength,
     {"MissingContentLength", 411, "You must provide the Content-Length HTTP header."}},
    {ErrorCode::kIncompleteBody,
     {"IncompleteBody", 400,
      "You did not provide the number of bytes specified by the Content-Length HTTP header."}},
    {ErrorCode::kRequestTimeout,
     {"RequestTimeout", 400,
      "Your socket connection to the server was not read from or written to within the timeout "
      "period."}},
    {ErrorCode::kRequestHeaderSectionTooLarge,
     {"RequestHeaderSectionTooLarge", 400,
      "Your request header section exceeds the maximum allowed size."}},
    {ErrorCode::kMetadataTooLarge,
     {"MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."}},
    {ErrorCode::kEntityTooLarge,
     {"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"}},
    {ErrorCode::kMaxMessageLengthExceeded,
     {"MaxMessageLengthExceeded", 400, "Your request was too big."}},
    {ErrorCode::kSlowDown, {"SlowDown", 503, "Please reduce your request rate."}},
    {ErrorCode::kServiceUnavailable,
     {"ServiceUnavailable", 503, "Please reduce your request rate."}},
    {ErrorCode::kAccessDenied, {"AccessDenied", 403, "Access Denied"}},
    {ErrorCode::kInvalidAccessKeyId,
     {"InvalidAccessKeyId", 403,
      "The AWS Access Key Id you provided does not exist in our records."}},
    {ErrorCode::kSignatureDoesNotMatch,
     {"SignatureDoesNotMatch", 403,
      "The request signature we calculated does not match the signature you provided. Check "
      "your key and signing method."}},
    {ErrorCode::kRequestTimeTooSkewed,
     {"RequestTimeTooSkewed", 403,
      "The difference between the request time and the current time is too large."}},
    {ErrorCode::kAuthorizationHeaderMalformed,
     {"AuthorizationHeaderMalformed", 400, "The authorization header is malformed."}},
    {ErrorCode::kAuthorizationQueryParametersError,
     {"AuthorizationQueryParametersError", 400,
      "Error parsing the X-Amz-Credential parameter."}},
    {ErrorCode::kMissingSecurityHeader,
     {"MissingSecurityHeader", 400, "Your request is missing a required header."}},
    {ErrorCode::kExpiredToken,
     {"ExpiredToken", 400, "The provided token has expired."}},
    {ErrorCode::kXAmzContentSHA256Mismatch,
     {"XAmzContentSHA256Mismatch", 400,
      "The provided 'x-amz-content-sha256' header does not match what was computed."}},
    {ErrorCode::kBadDigest,
     {"BadDigest", 400, "The Content-MD5 you specified did not match what we received."}},
    {ErrorCode::kInvalidDigest,
     {"InvalidDigest", 400, "The Content-MD5 you specified is not valid."}},
    {ErrorCode::kInvalidChunkSizeError,
     {"InvalidChunkSizeError", 403, "Only the last chunk is allowed to have a size less than 8192 bytes"}},
    {ErrorCode::kMalformedTrailerError,
     {"MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema."}},
    {ErrorCode::kInvalidBucketName,
     {"InvalidBucketName", 400, "The specified bucket is not valid."}},
    {ErrorCode::kBucketAlreadyExists,
     {"BucketAlreadyExists", 409,
      "The requested bucket name is not available. The bucket namespace is shared by all users "
      "of the system. Please select a different name and try again."}},
    {ErrorCode::kBucketAlreadyOwnedByYou,
     {"BucketAlreadyOwnedByYou", 409,
      "Your previous request to create the named bucket succeeded and you already own it."}},
    {ErrorCode::kNoSuchBucket, {"NoSuchBucket", 404, "The specified bucket does not exist"}},
    {ErrorCode::kBucketNotEmpty,
     {"BucketNotEmpty", 409, "The bucket you tried to delete is not empty"}},
    {ErrorCode::kNoSuchKey, {"NoSuchKey", 404, "The specified key does not exist."}},
    {ErrorCode::kKeyTooLongError, {"KeyTooLongError", 400, "Your key is too long"}},
    {ErrorCode::kInvalidLocationConstraint,
     {"InvalidLocationConstraint", 400, "The specified location-constraint is not valid"}},
    {ErrorCode::kIllegalLocationConstraintException,
     {"IllegalLocationConstraintException", 400,
      "The unspecified location constraint is incompatible for the region specific endpoint "
      "this request was sent to."}},
    {ErrorCode::kTooManyBuckets,
     {"TooManyBuckets", 400, "You have attempted to create more buckets than allowed"}},
    {ErrorCode::kInvalidStorageClass,
     {"InvalidStorageClass", 400, "The storage class you specified is not valid"}},
    {ErrorCode::kPreconditionFailed,
     {"PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"}},
    {ErrorCode::kNotModified, {"NotModified", 304, "Not Modified"}},
    {ErrorCode::kInvalidRange,
     {"InvalidRange", 416, "The requested range is not satisfiable"}},
    {ErrorCode::kNoSuchUpload,
     {"NoSuchUpload", 404,
      "The specified upload does not exist. The upload ID may be invalid, or the upload may "
      "have been aborted or completed."}},
    {ErrorCode::kInvalidPart,
     {"InvalidPart", 400,
      "One or more of the specified parts could not be found.  The part may not have been "
      "uploaded, or the specified entity tag may not match the part's entity tag."}},
    {ErrorCode::kInvalidPartOrder,
     {"InvalidPartOrder", 400,
      "The list of parts was not in ascending order. The parts list must be specified in "
      "order by part number."}},
    {ErrorCode::kEntityTooSmall,
     {"EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size"}},
    {ErrorCode::kInvalidPartNumber,
     {"InvalidPartNumber", 416, "The requested partnumber is not satisfiable"}},
    {ErrorCode::kNoSuchTagSet, {"NoSuchTagSet", 404, "The TagSet does not exist"}},
    {ErrorCode::kInvalidTag, {"InvalidTag", 400, "The TagKey you have provided is invalid"}},
    {ErrorCode::kBadRequest, {"BadRequest", 400, "Bad Request"}},
    {ErrorCode::kMalformedACLError,
     {"MalformedACLError", 400,
      "The XML you provided was not well-formed or did not validate against our published schema"}},
    {ErrorCode::kUnresolvableGrantByEmailAddress,
     {"UnresolvableGrantByEmailAddress", 400,
      "The e-mail address you provided does not match any account on record."}},
    {ErrorCode::kAccessControlListNotSupported,
     {"AccessControlListNotSupported", 400, "The bucket does not allow ACLs"}},
    {ErrorCode::kInvalidBucketAclWithObjectOwnership,
     {"InvalidBucketAclWithObjectOwnership", 400,
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"}},
    {ErrorCode::kMalformedPolicy, {"MalformedPolicy", 400, "Invalid policy syntax."}},
    {ErrorCode::kNoSuchBucketPolicy,
     {"NoSuchBucketPolicy", 404, "The bucket policy does not exist"}},
    {ErrorCode::kNoSuchPublicAccessBlockConfiguration,
     {"NoSuchPublicAccessBlockConfiguration", 404,
      "The public access block configuration was not found"}},
    {ErrorCode::kOwnershipControlsNotFoundError,
     {"OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found"}},
    {ErrorCode::kNoSuchCORSConfiguration,
     {"NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"}},
    {ErrorCode::kAccessForbidden,
     {"AccessForbidden", 403, "CORSResponse: This CORS request is not allowed."}},
    {ErrorCode::kUnexpectedContent,
     {"UnexpectedContent", 400, "This request does not support content"}},
};

constexpr std::size_t kCodeCount = static_cast<std::size_t>(ErrorCode::kLastErrorCode) + 1;
static_assert(std::size(kTable) == kCodeCount, "every ErrorCode needs exactly one row");

constexpr bool TableIsInOrder() {
  for (std::size_t i = 0; i < std::size(kTable); ++i)
    if (static_cast<std::size_t>(kTable[i].code) != i) return false;
  return true;
}
static_assert(TableIsInOrder(), "rows must follow the enum's order");

}  // namespace

const ErrorInfo& Describe(ErrorCode code) {
  return kTable[static_cast<std::size_t>(code)].info;
}

std::string_view Error::Message() const {
  return message.empty() ? Describe(code).message : std::string_view(message);
}

}  // namespace awslab
