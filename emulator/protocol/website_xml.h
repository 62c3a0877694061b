// The WebsiteConfiguration document of PutBucketWebsite and GetBucketWebsite,
// and the HTML error page of the website endpoint.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_PROTOCOL_WEBSITE_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_WEBSITE_XML_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/s3/website.h"

namespace awslab::protocol {

// Reads a <WebsiteConfiguration> (S3's namespace, another prefix or none) and
// validates it with s3::ValidateWebsiteConfiguration. MalformedXML when it is
// not that document: not XML, another root, an unknown element, an element
// given twice, a RoutingRule without a Redirect, a RedirectAllRequestsTo
// without a HostName, an ErrorDocument without a Key.
Result<s3::WebsiteConfiguration> ParseWebsiteConfiguration(std::string_view body);

// GetBucketWebsite's answer.
std::string WebsiteConfigurationXml(const s3::WebsiteConfiguration& config);

// The website endpoint's HTML error page, as S3 writes it:
//   <html><head><title>404 Not Found</title></head><body>
//   <h1>404 Not Found</h1><ul><li>Code: NoSuchKey</li><li>Message: ...</li>
//   <li>Key: ...</li><li>RequestId: ...</li><li>HostId: ...</li></ul>
//   [<h3>An Error Occurred While Attempting to Retrieve a Custom Error
//   Document</h3><ul><li>Code: ...</li><li>Message: ...</li>...</ul>]<hr/>
//   </body></html>
// `details` are the error's (Key, BucketName, ...); `error_document_error`,
// when given, is why the bucket's error document could not be served.
std::string WebsiteErrorHtml(int status, const Error& error, std::string_view request_id,
                             std::string_view host_id,
                             const Error* error_document_error = nullptr);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_WEBSITE_XML_H_
