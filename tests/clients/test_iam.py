"""IAM and STS against the real awslab-server, with Debian's aws CLI
(/usr/bin/aws) and boto3: the course's IAM morning as its students type it
(an admin user with AdministratorAccess and its own keys, the root keys put
away), who may call IAM, Inactive keys, groups, inline policies, and every
IAM error code with its HTTP status as botocore reports it.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_iam
"""

import json
import re
import shutil
import tempfile
import unittest

import harness
from harness import AWS_CLI, DEFAULT_ACCOUNT_ID, DEFAULT_KEY, REGION

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
S3_READ_POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
USER_ID = re.compile(r"^AIDA[A-Z2-7]{17}$")
GROUP_ID = re.compile(r"^AGPA[A-Z2-7]{17}$")
KEY_ID = re.compile(r"^AKIA[A-Z2-7]{16}$")
IAM_XMLNS = b'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'
STS_XMLNS = b'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"'


def user_arn(name, account=DEFAULT_ACCOUNT_ID):
    return "arn:aws:iam::%s:user/%s" % (account, name)


def boto3_client(service, endpoint, key=DEFAULT_KEY):
    import boto3
    from botocore.config import Config
    config = Config(region_name=REGION, retries={"total_max_attempts": 1, "mode": "standard"},
                    connect_timeout=5, read_timeout=60)
    session = boto3.session.Session(aws_access_key_id=key[0], aws_secret_access_key=key[1],
                                    region_name=REGION)
    return session.client(service, endpoint_url=endpoint, config=config)


class IamCliTest(harness.ServerTestCase):
    """The aws CLI, as the course's students use it."""

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-iam-cli-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def aws(self, *args, key=DEFAULT_KEY, check=True):
        done = self.run_client([AWS_CLI, "--endpoint-url", self.endpoint, "--region", REGION,
                                "--no-cli-pager", "--output", "json"] + list(args),
                               cwd=self.work, env=harness.client_env(key[0], key[1], REGION),
                               timeout=60)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("aws %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out, err))
        return done.returncode, out, err

    def aws_json(self, *args, key=DEFAULT_KEY):
        out = self.aws(*args, key=key)[1]
        return json.loads(out) if out.strip() else {}

    def aws_error(self, code, *args, key=DEFAULT_KEY):
        rc, out, err = self.aws(*args, key=key, check=False)
        self.assertNotEqual(rc, 0, "aws %s succeeded:\n%s" % (" ".join(args), out))
        self.assertIn("An error occurred (%s)" % code, err, "aws %s" % " ".join(args))
        return err

    def user_with_key(self, name, policy=None):
        self.aws_json("iam", "create-user", "--user-name", name)
        if policy:
            self.aws("iam", "attach-user-policy", "--user-name", name, "--policy-arn", policy)
        made = self.aws_json("iam", "create-access-key", "--user-name", name)["AccessKey"]
        return made["AccessKeyId"], made["SecretAccessKey"]

    def test_the_course_admin_user_gets_its_own_keys_and_does_everything(self):
        root = self.aws_json("sts", "get-caller-identity")
        self.assertEqual(root, {"UserId": DEFAULT_ACCOUNT_ID, "Account": DEFAULT_ACCOUNT_ID,
                                "Arn": "arn:aws:iam::%s:root" % DEFAULT_ACCOUNT_ID})

        user = self.aws_json("iam", "create-user", "--user-name", "admin")["User"]
        self.assertEqual(user["UserName"], "admin")
        self.assertEqual(user["Path"], "/")
        self.assertEqual(user["Arn"], user_arn("admin"))
        self.assertRegex(user["UserId"], USER_ID)
        self.aws("iam", "attach-user-policy", "--user-name", "admin", "--policy-arn", ADMIN_POLICY)
        attached = self.aws_json("iam", "list-attached-user-policies", "--user-name", "admin")
        self.assertEqual(attached["AttachedPolicies"],
                         [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_POLICY}])
        key = self.aws_json("iam", "create-access-key", "--user-name", "admin")["AccessKey"]
        self.assertRegex(key["AccessKeyId"], KEY_ID)
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")
        self.assertEqual(key["UserName"], "admin")
        admin = (key["AccessKeyId"], key["SecretAccessKey"])

        me = self.aws_json("sts", "get-caller-identity", key=admin)
        self.assertEqual(me, {"UserId": user["UserId"], "Account": DEFAULT_ACCOUNT_ID,
                              "Arn": user_arn("admin")})
        self.assertEqual(self.aws_json("iam", "get-user", key=admin)["User"]["Arn"],
                         user_arn("admin"))
        # S3 and IAM with the admin user's key.
        self.aws("s3", "mb", "s3://admin-made-bucket", key=admin)
        self.assertIn("admin-made-bucket", self.aws("s3", "ls", key=admin)[1])
        self.aws_json("iam", "create-user", "--user-name", "student1", key=admin)
        names = [u["UserName"] for u in self.aws_json("iam", "list-users", key=admin)["Users"]]
        self.assertEqual(names, ["admin", "student1"])

    def test_a_read_only_user_may_not_create_users(self):
        reader = self.user_with_key("reader", S3_READ_POLICY)
        err = self.aws_error("AccessDenied", "iam", "create-user", "--user-name", "x", key=reader)
        self.assertIn("User: %s is not authorized to perform: iam:CreateUser on resource: %s" %
                      (user_arn("reader"), user_arn("x")), err)
        self.aws_error("NoSuchEntity", "iam", "get-user", "--user-name", "x")

    def test_a_user_without_policies_may_not_list_users(self):
        nobody = self.user_with_key("nobody")
        err = self.aws_error("AccessDenied", "iam", "list-users", key=nobody)
        self.assertIn("is not authorized to perform: iam:ListUsers on resource: "
                      "arn:aws:iam::%s:user/" % DEFAULT_ACCOUNT_ID, err)
        # Who it is needs no permission.
        self.assertEqual(self.aws_json("sts", "get-caller-identity", key=nobody)["Arn"],
                         user_arn("nobody"))

    def test_an_inactive_key_is_refused_by_s3_ec2_and_sts_until_reactivated(self):
        key = self.user_with_key("worker", ADMIN_POLICY)
        listed = self.aws_json("iam", "list-access-keys", "--user-name", "worker")
        self.assertEqual([(k["AccessKeyId"], k["Status"]) for k in listed["AccessKeyMetadata"]],
                         [(key[0], "Active")])
        self.aws("iam", "update-access-key", "--user-name", "worker", "--access-key-id", key[0],
                 "--status", "Inactive")
        self.aws_error("InvalidAccessKeyId", "s3", "ls", key=key)
        self.aws_error("AuthFailure", "ec2", "describe-regions", key=key)
        self.aws_error("InvalidClientTokenId", "sts", "get-caller-identity", key=key)
        self.aws("iam", "update-access-key", "--user-name", "worker", "--access-key-id", key[0],
                 "--status", "Active")
        self.aws("s3", "ls", key=key)
        self.aws_json("ec2", "describe-regions", key=key)
        self.assertEqual(self.aws_json("sts", "get-caller-identity", key=key)["Arn"],
                         user_arn("worker"))

    def test_delete_user_conflicts_until_its_keys_and_policies_are_gone(self):
        key = self.user_with_key("leaver", ADMIN_POLICY)
        err = self.aws_error("DeleteConflict", "iam", "delete-user", "--user-name", "leaver")
        self.assertIn("must delete access keys first", err)
        self.aws("iam", "delete-access-key", "--user-name", "leaver", "--access-key-id", key[0])
        self.aws_error("DeleteConflict", "iam", "delete-user", "--user-name", "leaver")
        self.aws("iam", "detach-user-policy", "--user-name", "leaver", "--policy-arn",
                 ADMIN_POLICY)
        self.aws("iam", "delete-user", "--user-name", "leaver")
        self.aws_error("NoSuchEntity", "iam", "get-user", "--user-name", "leaver")
        # Its key is gone with it.
        self.aws_error("InvalidClientTokenId", "sts", "get-caller-identity", key=key)


class IamBoto3Test(harness.ServerTestCase):
    """boto3: error codes and statuses, groups, inline policies, shapes."""

    def iam(self, key=DEFAULT_KEY):
        return boto3_client("iam", self.endpoint, key)

    def sts(self, key=DEFAULT_KEY):
        return boto3_client("sts", self.endpoint, key)

    def assertError(self, code, status, call, *args, **kwargs):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        e = raised.exception
        self.assertEqual(e.response["Error"]["Code"], code, e.response)
        self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], status, e.response)
        self.assertEqual(e.response["Error"].get("Type"), "Sender", e.response)
        return e.response["Error"]["Message"]

    def user_key(self, name, policy=None):
        iam = self.iam()
        iam.create_user(UserName=name)
        if policy:
            iam.attach_user_policy(UserName=name, PolicyArn=policy)
        k = iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"]

    def test_every_error_code_with_its_status(self):
        iam = self.iam()
        iam.create_user(UserName="bob")
        self.assertEqual(self.assertError("NoSuchEntity", 404, iam.get_user, UserName="carol"),
                         "The user with name carol cannot be found.")
        self.assertEqual(self.assertError("EntityAlreadyExists", 409, iam.create_user,
                                          UserName="bob"),
                         "User with name bob already exists.")
        iam.create_access_key(UserName="bob")
        iam.create_access_key(UserName="bob")
        self.assertEqual(self.assertError("LimitExceeded", 409, iam.create_access_key,
                                          UserName="bob"),
                         "Cannot exceed quota for AccessKeysPerUser: 2")
        self.assertError("DeleteConflict", 409, iam.delete_user, UserName="bob")
        self.assertIn("Member must satisfy regular expression pattern",
                      self.assertError("ValidationError", 400, iam.create_user,
                                       UserName="bad name"))
        self.assertEqual(self.assertError("InvalidInput", 400, iam.attach_user_policy,
                                          UserName="bob", PolicyArn="not-an-arn-of-any-kind"),
                         "ARN not-an-arn-of-any-kind is not valid.")
        self.assertEqual(
            self.assertError("NoSuchEntity", 404, iam.attach_user_policy, UserName="bob",
                             PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess"),
            "Policy arn:aws:iam::aws:policy/PowerUserAccess does not exist or is not attachable.")
        self.assertEqual(
            self.assertError("MalformedPolicyDocument", 400, iam.put_user_policy, UserName="bob",
                             PolicyName="p", PolicyDocument=json.dumps(
                                 {"Version": "2012-10-17", "Statement": [{
                                     "Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                     "Resource": "*"}]})),
            "Policy document should not specify a principal.")
        nobody = self.user_key("nobody")
        self.assertIn("iam:CreateUser", self.assertError("AccessDenied", 403,
                                                         self.iam(nobody).create_user,
                                                         UserName="x"))
        self.assertError("InvalidClientTokenId", 403,
                         self.sts(("AKIAUNKNOWNKEY000000", "secret")).get_caller_identity)
        self.assertError("SignatureDoesNotMatch", 403,
                         self.sts((nobody[0], "not-its-secret")).get_caller_identity)

    def test_answers_are_in_the_services_namespaces_with_a_request_id(self):
        bodies = {}

        def keep(http_response, model, **_):
            bodies[model.name] = http_response.content
        iam, sts = self.iam(), self.sts()
        iam.meta.events.register("after-call.iam.ListUsers", keep)
        sts.meta.events.register("after-call.sts.GetCallerIdentity", keep)
        listed = iam.list_users()
        self.assertEqual(listed["Users"], [])
        self.assertFalse(listed["IsTruncated"])
        self.assertRegex(listed["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")
        self.assertIn(b"<ListUsersResponse " + IAM_XMLNS, bodies["ListUsers"])
        self.assertIn(b"<ListUsersResult>", bodies["ListUsers"])
        sts.get_caller_identity()
        self.assertIn(b"<GetCallerIdentityResponse " + STS_XMLNS, bodies["GetCallerIdentity"])

    def test_groups_give_their_members_their_policies(self):
        iam = self.iam()
        group = iam.create_group(GroupName="admins")["Group"]
        self.assertRegex(group["GroupId"], GROUP_ID)
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/admins" % DEFAULT_ACCOUNT_ID)
        key = self.user_key("ta")
        self.assertError("AccessDenied", 403, self.iam(key).list_users)
        iam.add_user_to_group(GroupName="admins", UserName="ta")
        iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN_POLICY)
        self.assertEqual(
            iam.list_attached_group_policies(GroupName="admins")["AttachedPolicies"],
            [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_POLICY}])
        got = iam.get_group(GroupName="admins")
        self.assertEqual([u["UserName"] for u in got["Users"]], ["ta"])
        self.assertEqual([g["GroupName"] for g in
                          iam.list_groups_for_user(UserName="ta")["Groups"]], ["admins"])
        self.assertEqual([u["UserName"] for u in self.iam(key).list_users()["Users"]], ["ta"])
        self.assertError("DeleteConflict", 409, iam.delete_group, GroupName="admins")
        iam.remove_user_from_group(GroupName="admins", UserName="ta")
        self.assertError("AccessDenied", 403, self.iam(key).list_users)
        iam.detach_group_policy(GroupName="admins", PolicyArn=ADMIN_POLICY)
        iam.delete_group(GroupName="admins")
        self.assertEqual(iam.list_groups()["Groups"], [])

    def test_inline_policies_allow_and_an_explicit_deny_wins(self):
        iam = self.iam()
        key = self.user_key("lister")
        document = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:*AccessKey*",
             "Resource": "arn:aws:iam::*:user/${aws:username}"}]}
        iam.put_user_policy(UserName="lister", PolicyName="list", PolicyDocument=json.dumps(document))
        self.assertEqual(iam.get_user_policy(UserName="lister", PolicyName="list")["PolicyDocument"],
                         document)
        self.assertEqual(iam.list_user_policies(UserName="lister")["PolicyNames"], ["list"])
        mine = self.iam(key)
        self.assertEqual([u["UserName"] for u in mine.list_users()["Users"]], ["lister"])
        # Its own keys, by ${aws:username}; nobody else's.
        self.assertEqual(len(mine.list_access_keys()["AccessKeyMetadata"]), 1)
        iam.create_user(UserName="other")
        self.assertError("AccessDenied", 403, mine.create_access_key, UserName="other")
        self.assertError("AccessDenied", 403, mine.create_user, UserName="x")
        iam.attach_user_policy(UserName="lister", PolicyArn=ADMIN_POLICY)
        mine.create_user(UserName="x")
        iam.put_user_policy(UserName="lister", PolicyName="deny", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}}))
        self.assertIn("with an explicit deny",
                      self.assertError("AccessDenied", 403, mine.create_user, UserName="y"))
        iam.delete_user_policy(UserName="lister", PolicyName="deny")
        mine.create_user(UserName="y")

    def test_keys_users_and_policies_survive_a_restart(self):
        iam = self.iam()
        key = self.user_key("keeper", S3_READ_POLICY)
        user = iam.get_user(UserName="keeper")["User"]
        self.server.restart()
        self.assertEqual(self.sts(key).get_caller_identity()["UserId"], user["UserId"])
        self.assertEqual(self.iam().get_user(UserName="keeper")["User"], user)
        self.assertError("AccessDenied", 403, self.iam(key).create_user, UserName="x")

    def test_list_users_pages_with_max_items_and_marker(self):
        iam = self.iam()
        for name in ("a1", "a2", "a3"):
            iam.create_user(UserName=name)
        first = iam.list_users(MaxItems=2)
        self.assertEqual([u["UserName"] for u in first["Users"]], ["a1", "a2"])
        self.assertTrue(first["IsTruncated"])
        rest = iam.list_users(MaxItems=2, Marker=first["Marker"])
        self.assertEqual([u["UserName"] for u in rest["Users"]], ["a3"])
        self.assertFalse(rest["IsTruncated"])
        paged = [u["UserName"] for page in iam.get_paginator("list_users").paginate(
            PaginationConfig={"PageSize": 1}) for u in page["Users"]]
        self.assertEqual(paged, ["a1", "a2", "a3"])

    def test_an_iam_user_is_not_an_admin_of_awslab(self):
        key = self.user_key("poweruser", ADMIN_POLICY)
        with self.assertRaises(harness.AdminApiError) as raised:
            harness.advance_clock(self.endpoint, "PT1H", key=key)
        self.assertEqual(raised.exception.status, 403)


if __name__ == "__main__":
    unittest.main()
