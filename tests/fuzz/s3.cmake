# S3: the XML request bodies S3 parses, and bucket policies.
awslab_fuzzer(s3_xml SOURCES s3_xml_fuzzer.cc LIBS awslab_protocol)
awslab_fuzzer(bucket_policy SOURCES bucket_policy_fuzzer.cc LIBS awslab_s3)
