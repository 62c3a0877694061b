# SigV4 (and SigV2): the one signer's canonical forms on arbitrary requests,
# and the Authenticator on requests signed by it and then mutated.
awslab_fuzzer(sigv4 SOURCES sigv4_fuzzer.cc LIBS awslab_client)
awslab_fuzzer(sigv4_verify SOURCES sigv4_verify_fuzzer.cc LIBS awslab_auth)
