# Authentication: the aws-chunked decoder.
awslab_fuzzer(aws_chunked SOURCES aws_chunked_fuzzer.cc LIBS awslab_auth)
