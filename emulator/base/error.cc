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
    // Versioning (docs/s3-versioning.md).
    {ErrorCode::kNoSuchVersion,
     {"NoSuchVersion", 404,
      "The specified version does not exist."}},
    {ErrorCode::kIllegalVersioningConfigurationException,
     {"IllegalVersioningConfigurationException", 400,
      "The Versioning element must be specified"}},
    // EC2: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    {ErrorCode::kAuthFailure, {"AuthFailure", 401, "AWS was not able to validate the provided access credentials"}},
    {ErrorCode::kUnauthorizedOperation, {"UnauthorizedOperation", 403, "You are not authorized to perform this operation."}},
    {ErrorCode::kInvalidAction, {"InvalidAction", 400, "The action is not valid for this web service."}},
    {ErrorCode::kMissingAction, {"MissingAction", 400, "The request must contain the parameter Action"}},
    {ErrorCode::kMissingParameter, {"MissingParameter", 400, "The request must contain the parameter"}},
    {ErrorCode::kUnknownParameter, {"UnknownParameter", 400, "An unknown or unrecognized parameter was supplied."}},
    {ErrorCode::kInvalidParameterValue, {"InvalidParameterValue", 400, "An invalid or out-of-range value was supplied for the input parameter."}},
    {ErrorCode::kInvalidParameterCombination, {"InvalidParameterCombination", 400, "Indicates an incorrect combination of parameters, or a missing parameter."}},
    {ErrorCode::kInvalidParameter, {"InvalidParameter", 400, "A parameter specified in a request is not valid."}},
    {ErrorCode::kInvalidFilter, {"InvalidFilter", 400, "The specified filter is not valid."}},
    {ErrorCode::kInvalidPaginationToken, {"InvalidPaginationToken", 400, "The specified pagination token is not valid or is expired."}},
    {ErrorCode::kDryRunOperation, {"DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set."}},
    {ErrorCode::kUnsupportedOperation, {"UnsupportedOperation", 400, "The specified request includes an unsupported operation."}},
    {ErrorCode::kIncorrectInstanceState, {"IncorrectInstanceState", 400, "The instance is not in a state from which the request can be made."}},
    {ErrorCode::kIncorrectState, {"IncorrectState", 400, "The resource is in an incorrect state for the request."}},
    {ErrorCode::kInvalidInstanceIDNotFound, {"InvalidInstanceID.NotFound", 400, "The instance ID does not exist"}},
    {ErrorCode::kInvalidInstanceIDMalformed, {"InvalidInstanceID.Malformed", 400, "Invalid id"}},
    {ErrorCode::kInvalidAMIIDNotFound, {"InvalidAMIID.NotFound", 400, "The image id does not exist"}},
    {ErrorCode::kInvalidAMIIDMalformed, {"InvalidAMIID.Malformed", 400, "Invalid id"}},
    {ErrorCode::kInvalidKeyPairNotFound, {"InvalidKeyPair.NotFound", 400, "The key pair does not exist"}},
    {ErrorCode::kInvalidKeyPairDuplicate, {"InvalidKeyPair.Duplicate", 400, "The keypair already exists"}},
    {ErrorCode::kInvalidKeyPairFormat, {"InvalidKeyPair.Format", 400, "Key is not in valid OpenSSH public key format"}},
    {ErrorCode::kInvalidKeyFormat, {"InvalidKey.Format", 400, "Key is not in valid OpenSSH public key format"}},
    {ErrorCode::kInvalidGroupNotFound, {"InvalidGroup.NotFound", 400, "The security group does not exist"}},
    {ErrorCode::kInvalidGroupDuplicate, {"InvalidGroup.Duplicate", 400, "The security group already exists"}},
    {ErrorCode::kInvalidGroupIdMalformed, {"InvalidGroupId.Malformed", 400, "Invalid id"}},
    {ErrorCode::kInvalidGroupReserved, {"InvalidGroup.Reserved", 400, "The security group name is reserved"}},
    {ErrorCode::kInvalidPermissionDuplicate, {"InvalidPermission.Duplicate", 400, "The specified rule already exists"}},
    {ErrorCode::kInvalidPermissionNotFound, {"InvalidPermission.NotFound", 400, "The specified rule does not exist in this security group."}},
    {ErrorCode::kCannotDelete, {"CannotDelete", 400, "You cannot delete the 'default' security group."}},
    {ErrorCode::kDependencyViolation, {"DependencyViolation", 400, "The resource has a dependent object."}},
    {ErrorCode::kInvalidAllocationIDNotFound, {"InvalidAllocationID.NotFound", 400, "The allocation ID does not exist"}},
    {ErrorCode::kInvalidAddressNotFound, {"InvalidAddress.NotFound", 400, "The address does not exist"}},
    {ErrorCode::kInvalidAssociationIDNotFound, {"InvalidAssociationID.NotFound", 400, "The association ID does not exist"}},
    {ErrorCode::kInvalidIPAddressInUse, {"InvalidIPAddress.InUse", 400, "The address is in use"}},
    {ErrorCode::kInvalidVolumeNotFound, {"InvalidVolume.NotFound", 400, "The volume does not exist."}},
    {ErrorCode::kInvalidVolumeIDMalformed, {"InvalidVolumeID.Malformed", 400, "Invalid id"}},
    {ErrorCode::kInvalidVolumeZoneMismatch, {"InvalidVolume.ZoneMismatch", 400, "The volume is not in the same availability zone as the instance"}},
    {ErrorCode::kVolumeInUse, {"VolumeInUse", 400, "The volume is in use"}},
    {ErrorCode::kInvalidAttachmentNotFound, {"InvalidAttachment.NotFound", 400, "The attachment does not exist"}},
    {ErrorCode::kInvalidZoneNotFound, {"InvalidZone.NotFound", 400, "The availability zone does not exist"}},
    {ErrorCode::kInvalidSubnetIDNotFound, {"InvalidSubnetID.NotFound", 400, "The subnet ID does not exist"}},
    {ErrorCode::kInvalidVpcIDNotFound, {"InvalidVpcID.NotFound", 400, "The vpc ID does not exist"}},
    {ErrorCode::kInvalidIDMalformed, {"InvalidID", 400, "The ID is not valid"}},
    {ErrorCode::kInvalidInstanceType, {"InvalidInstanceType", 400, "The instance type is not supported"}},
    {ErrorCode::kInvalidUserDataMalformed, {"InvalidUserData.Malformed", 400, "User data is malformed"}},
    {ErrorCode::kInvalidBlockDeviceMapping, {"InvalidBlockDeviceMapping", 400, "The block device mapping is not valid"}},
    {ErrorCode::kInvalidTagKeyMalformed, {"InvalidTagKey.Malformed", 400, "The tag key is not valid"}},
    {ErrorCode::kTagLimitExceeded, {"TagLimitExceeded", 400, "The maximum number of tags for a resource has been reached (50)."}},
    {ErrorCode::kInstanceLimitExceeded, {"InstanceLimitExceeded", 400, "You have requested more instances than your current instance limit allows."}},
    {ErrorCode::kAddressLimitExceeded, {"AddressLimitExceeded", 400, "The maximum number of addresses has been reached."}},
    {ErrorCode::kInvalidSpotInstanceRequestConfig, {"InvalidSpotInstanceRequestConfig", 400, "The spot instance request configuration is not valid"}},
    {ErrorCode::kResourceAlreadyAssociated, {"Resource.AlreadyAssociated", 400, "The resource is already associated"}},
    {ErrorCode::kInsufficientFreeAddressesInSubnet,
     {"InsufficientFreeAddressesInSubnet", 400, "The subnet has not enough free addresses"}},
    // IAM and STS: the statuses of botocore's iam and sts models (service-2.json).
    {ErrorCode::kNoSuchEntity, {"NoSuchEntity", 404, "The request was rejected because it referenced a resource entity that does not exist."}},
    {ErrorCode::kEntityAlreadyExists, {"EntityAlreadyExists", 409, "The request was rejected because it attempted to create a resource that already exists."}},
    {ErrorCode::kDeleteConflict, {"DeleteConflict", 409, "The request was rejected because it attempted to delete a resource that has attached subordinate entities."}},
    {ErrorCode::kLimitExceeded, {"LimitExceeded", 409, "The request was rejected because it attempted to create resources beyond the current Amazon Web Services account limits."}},
    {ErrorCode::kValidationError, {"ValidationError", 400, "The input fails to satisfy the constraints specified by an AWS service."}},
    {ErrorCode::kInvalidInput, {"InvalidInput", 400, "The request was rejected because an invalid or out-of-range value was supplied for an input parameter."}},
    {ErrorCode::kMalformedPolicyDocument, {"MalformedPolicyDocument", 400, "Syntax errors in policy."}},
    {ErrorCode::kInvalidClientTokenId, {"InvalidClientTokenId", 403, "The security token included in the request is invalid."}},
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
