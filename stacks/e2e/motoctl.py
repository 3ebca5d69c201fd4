"""Talks to the AWS stand-in (moto) for run.mjs; prints JSON.

  motoctl.py <url> inventory <region> [<region> ...]
      What moto holds in those regions. Only resources a deployment of the stacks creates are
      listed; moto's own defaults (default VPC and its subnets, security group) are left out.
  motoctl.py <url> import-certificate <region> <domain>
      Imports a self-signed certificate for <domain> into ACM (the stacks look up an existing,
      issued certificate; in an account it is issued before the first deploy).
  motoctl.py <url> create-hosted-zone <region> <zone name>
      Creates a public Route 53 hosted zone (the stacks write records into the account's existing
      zone, looked up by name or given by ID).
  motoctl.py <url> domain <region> <zone name> <domain> <load balancer name>
      What moto holds for the domain: the zone's record sets for <domain> (with alias targets), the
      ACM certificates for it (status, type), the load balancer's IP address type and its listeners'
      HSTS attribute, and the IPv6 ranges of its VPC and subnets.
  motoctl.py <url> disable-deletion-protection <region> <load balancer name>
      What an operator does before tearing down a protected load balancer.
  motoctl.py <url> traffic-shift <region> <cluster> <service>
      What moto holds for a service that ECS would shift traffic for: its load balancer block, the
      production and test listener rules it names (conditions, forward weights by target group
      name), and the infrastructure role with its inline policies.
  motoctl.py <url> failed-runs <region> <rule> <log group> <resource policy> <metric filter> <alarm>
      What moto holds for a scheduled task's failed-run chain: the EventBridge rule (pattern, state)
      and its targets, the log group, the account's log resource policy of that name, the metric
      filters on the log group and the alarm.
  motoctl.py <url> gaps <region>
      Asks a fresh moto, directly (not through the proxy), each call that README.md "Emulator
      gaps" lists, and reports for each whether moto still lacks it. A gap that moto has closed
      must lose its workaround in emulator.mjs, so run.mjs fails when one is reported closed.
"""

import json
import sys

import boto3
from botocore.config import Config


def client(service, url, region):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="e2e",
        aws_secret_access_key="e2e",
        config=Config(retries={"max_attempts": 2}),
    )


def pages(c, op, key, **kw):
    out = []
    for page in c.get_paginator(op).paginate(**kw):
        out.extend(page.get(key, []))
    return out


def region_inventory(url, region):
    ec2 = client("ec2", url, region)
    ecs = client("ecs", url, region)
    elb = client("elbv2", url, region)
    logs = client("logs", url, region)
    aas = client("application-autoscaling", url, region)
    sns = client("sns", url, region)
    kms = client("kms", url, region)
    cw = client("cloudwatch", url, region)
    sqs = client("sqs", url, region)

    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")}
    not_default = lambda r: r.get("VpcId") not in default_vpcs  # noqa: E731

    clusters = ecs.list_clusters()["clusterArns"]
    services = []
    for arn in clusters:
        svc_arns = pages(ecs, "list_services", "serviceArns", cluster=arn)
        for i in range(0, len(svc_arns), 10):
            for s in ecs.describe_services(cluster=arn, services=svc_arns[i : i + 10])["services"]:
                if s.get("status") != "INACTIVE":
                    services.append(
                        {
                            "name": s["serviceName"],
                            "cluster": arn,
                            "status": s.get("status"),
                            "desired": s.get("desiredCount"),
                            "running": s.get("runningCount"),
                        }
                    )
    lbs = elb.describe_load_balancers()["LoadBalancers"]
    for lb in lbs:
        attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
        lb["DeletionProtection"] = any(a["Key"] == "deletion_protection.enabled" and a["Value"] == "true" for a in attrs)
    tgs = elb.describe_target_groups()["TargetGroups"]
    nats = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n.get("State") not in ("deleted", "deleting")]
    acm = client("acm", url, region)
    # Certificates the stacks requested (imported ones are account-side preconditions).
    requested = [c["CertificateArn"] for c in pages(acm, "list_certificates", "CertificateSummaryList") if acm.describe_certificate(CertificateArn=c["CertificateArn"])["Certificate"]["Type"] != "IMPORTED"]
    return {
        "region": region,
        "vpcs": [{"id": v["VpcId"], "cidr": v["CidrBlock"], "tags": v.get("Tags", [])} for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if not_default(s)],
        "securityGroups": [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"] if not_default(g)],
        "natGateways": [n["NatGatewayId"] for n in nats],
        "elasticIps": [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]],
        "ecsClusters": [c["clusterName"] for c in ecs.describe_clusters(clusters=clusters)["clusters"] if c.get("status") == "ACTIVE"] if clusters else [],
        "ecsServices": services,
        "taskDefinitions": ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
        "loadBalancers": [{"name": lb["LoadBalancerName"], "dns": lb["DNSName"], "arn": lb["LoadBalancerArn"], "deletionProtection": lb["DeletionProtection"]} for lb in lbs],
        "targetGroups": [t["TargetGroupName"] for t in tgs],
        "certificates": requested,
        "logGroups": [g["logGroupName"] for g in pages(logs, "describe_log_groups", "logGroups")],
        "scalableTargets": [t["ResourceId"] for t in aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]],
        "scalingPolicies": [
            {"name": p["PolicyName"], "resource": p["ResourceId"], "type": p["PolicyType"], "alarms": [a["AlarmName"] for a in p.get("Alarms", [])]}
            for p in aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
        ],
        # What the queue holds as moto answers it (through the harness's proxy when url is the proxy's).
        "sqsQueues": [
            {"url": q, "name": q.rsplit("/", 1)[-1], "attributes": sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["All"])["Attributes"]}
            for q in sqs.list_queues().get("QueueUrls", [])
        ],
        "snsTopics": [t["TopicArn"] for t in pages(sns, "list_topics", "Topics")],
        "snsSubscriptions": [
            {"topic": x["TopicArn"], "protocol": x["Protocol"], "endpoint": x["Endpoint"]} for x in pages(sns, "list_subscriptions", "Subscriptions")
        ],
        # A destroyed key is only scheduled for deletion (7-30 days), as in AWS.
        "kmsKeys": [
            k["KeyId"] for k in pages(kms, "list_keys", "Keys") if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"
        ],
        "alarms": [
            {"name": a["AlarmName"], "actions": a.get("AlarmActions", []), "okActions": a.get("OKActions", [])}
            for a in pages(cw, "describe_alarms", "MetricAlarms")
        ],
        "dashboards": [
            {"name": d["DashboardName"], "body": cw.get_dashboard(DashboardName=d["DashboardName"])["DashboardBody"]}
            for d in cw.list_dashboards().get("DashboardEntries", [])
        ],
        "eventRules": [r["Name"] for r in client("events", url, region).list_rules().get("Rules", [])],
        "logResourcePolicies": [p["policyName"] for p in logs.describe_resource_policies().get("resourcePolicies", [])],
    }


def inventory(url, regions):
    iam = client("iam", url, regions[0])
    roles = [r["RoleName"] for r in pages(iam, "list_roles", "Roles") if not r["Path"].startswith("/aws-service-role/")]
    s3 = client("s3", url, regions[0])
    buckets = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    r53 = client("route53", url, regions[0])
    records = [f'{r["Type"]} {r["Name"]}' for z in r53.list_hosted_zones()["HostedZones"] for r in zone_records(r53, z["Id"].split("/")[-1])]
    return {"regions": [region_inventory(url, r) for r in regions], "iamRoles": roles, "s3Buckets": buckets, "route53Records": records}


def import_certificate(url, region, domain):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    acm = client("acm", url, region)
    arn = acm.import_certificate(
        Certificate=cert.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )["CertificateArn"]
    return {"certificateArn": arn, "domain": domain}


def create_hosted_zone(url, region, name):
    r53 = client("route53", url, region)
    z = r53.create_hosted_zone(Name=name, CallerReference=f"e2e-{name}", HostedZoneConfig={"PrivateZone": False, "Comment": "e2e precondition"})["HostedZone"]
    return {"id": z["Id"].split("/")[-1], "name": z["Name"]}


def zone_records(r53, zone_id):
    return [r for r in pages(r53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone_id) if r["Type"] not in ("SOA", "NS")]


def domain(url, region, zone_name, name, lb_name):
    r53, acm, elb, ec2 = (client(n, url, region) for n in ("route53", "acm", "elbv2", "ec2"))
    zone = next(z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"].rstrip(".") == zone_name)
    zone_id = zone["Id"].split("/")[-1]
    records = [
        {
            "name": r["Name"].rstrip("."),
            "type": r["Type"],
            "alias": ({"dns": r["AliasTarget"]["DNSName"].rstrip("."), "zoneId": r["AliasTarget"]["HostedZoneId"]} if r.get("AliasTarget") else None),
            "values": [x["Value"] for x in r.get("ResourceRecords", [])],
        }
        for r in zone_records(r53, zone_id)
    ]
    certificates = []
    for c in pages(acm, "list_certificates", "CertificateSummaryList", Includes={"keyTypes": ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]}):
        d = acm.describe_certificate(CertificateArn=c["CertificateArn"])["Certificate"]
        if d["DomainName"] == name:
            certificates.append({"arn": d["CertificateArn"], "status": d["Status"], "type": d["Type"]})
    lb = elb.describe_load_balancers(Names=[lb_name])["LoadBalancers"][0]
    listeners = []
    for li in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
        attrs = {a["Key"]: a["Value"] for a in elb.describe_listener_attributes(ListenerArn=li["ListenerArn"])["Attributes"]}
        listeners.append(
            {
                "port": li["Port"],
                "protocol": li["Protocol"],
                "certificates": [c["CertificateArn"] for c in li.get("Certificates", [])],
                "hsts": attrs.get("routing.http.response.strict_transport_security.header_value"),
            }
        )
    vpc = ec2.describe_vpcs(VpcIds=[lb["VpcId"]])["Vpcs"][0]
    subnets = ec2.describe_subnets(SubnetIds=[a["SubnetId"] for a in lb["AvailabilityZones"]])["Subnets"]
    return {
        "zoneId": zone_id,
        "records": records,
        "certificates": certificates,
        "loadBalancer": {"dns": lb["DNSName"], "zoneId": lb["CanonicalHostedZoneId"], "ipAddressType": lb.get("IpAddressType")},
        "listeners": listeners,
        "vpcIpv6": [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", []) if a["Ipv6CidrBlockState"]["State"] == "associated"],
        "subnetIpv6": {s["SubnetId"]: [a["Ipv6CidrBlock"] for a in s.get("Ipv6CidrBlockAssociationSet", [])] for s in subnets},
    }


def disable_deletion_protection(url, region, name):
    elb = client("elbv2", url, region)
    try:
        arn = elb.describe_load_balancers(Names=[name])["LoadBalancers"][0]["LoadBalancerArn"]
    except elb.exceptions.LoadBalancerNotFoundException:
        return {"loadBalancer": name, "found": False}
    elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
    return {"loadBalancer": name, "found": True, "deletionProtection": False}


def traffic_shift(url, region, cluster, service):
    ecs, elb, iam = client("ecs", url, region), client("elbv2", url, region), client("iam", url, region)
    svc = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    names = {t["TargetGroupArn"]: t["TargetGroupName"] for t in elb.describe_target_groups()["TargetGroups"]}

    def rule(arn):
        r = elb.describe_rules(RuleArns=[arn])["Rules"][0]
        forward = next((a for a in r["Actions"] if a["Type"] == "forward"), {})
        weights = {names.get(t["TargetGroupArn"], t["TargetGroupArn"]): t.get("Weight") for t in forward.get("ForwardConfig", {}).get("TargetGroups", [])}
        return {"priority": r["Priority"], "conditions": r["Conditions"], "weights": weights}

    out = []
    for lb in svc.get("loadBalancers", []):
        adv = lb.get("advancedConfiguration") or {}
        entry = {"targetGroup": names.get(lb.get("targetGroupArn")), "alternateTargetGroup": names.get(adv.get("alternateTargetGroupArn"))}
        if adv.get("productionListenerRule"):
            entry["productionRule"] = rule(adv["productionListenerRule"])
        if adv.get("testListenerRule"):
            entry["testRule"] = rule(adv["testListenerRule"])
        if adv.get("roleArn"):
            role = adv["roleArn"].split("/")[-1]
            policies = iam.list_role_policies(RoleName=role)["PolicyNames"]
            entry["role"] = {
                "name": role,
                "trust": iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"],
                "policies": {p: iam.get_role_policy(RoleName=role, PolicyName=p)["PolicyDocument"] for p in policies},
                "ruleArns": [adv.get("productionListenerRule"), adv.get("testListenerRule")],
                "targetGroupArns": [lb.get("targetGroupArn"), adv.get("alternateTargetGroupArn")],
            }
        out.append(entry)
    return {"service": service, "loadBalancers": out}


def gaps(url, region):
    """Each emulator gap the proxy fills, probed against moto itself: present=True means moto still lacks it."""
    ec2, ecs, aas, s3 = (client(n, url, region) for n in ("ec2", "ecs", "application-autoscaling", "s3"))
    out = []

    def gap(name, present, detail):
        out.append({"gap": name, "present": bool(present), "detail": detail})

    def fails(call):
        try:
            call()
        except Exception as e:  # noqa: BLE001 - any error means the call is not served
            return f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
        return None

    ecs.create_cluster(clusterName="gap-probe", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    ecs.register_task_definition(
        family="gap-probe",
        containerDefinitions=[{"name": "app", "image": "probe"}],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    svc = ecs.create_service(
        cluster="gap-probe",
        serviceName="gap-probe",
        taskDefinition="gap-probe",
        desiredCount=1,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 1}],
        enableECSManagedTags=True,
        healthCheckGracePeriodSeconds=30,
        enableExecuteCommand=True,
    )["service"]
    dropped = [k for k in ("capacityProviderStrategy", "enableECSManagedTags", "healthCheckGracePeriodSeconds", "enableExecuteCommand") if svc.get(k) in (None, [])]
    gap("ECS CreateService/DescribeServices drop capacityProviderStrategy, enableECSManagedTags, healthCheckGracePeriodSeconds, enableExecuteCommand", len(dropped) == 4, f"not returned: {', '.join(dropped) or 'none'}")
    canary = ecs.create_service(
        cluster="gap-probe",
        serviceName="gap-probe-canary",
        taskDefinition="gap-probe",
        desiredCount=1,
        deploymentConfiguration={
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "strategy": "CANARY",
            "bakeTimeInMinutes": 10,
            "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 5},
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "alarms": {"alarmNames": ["probe"], "enable": True, "rollback": True},
        },
    )["service"]
    described = ecs.describe_services(cluster="gap-probe", services=["gap-probe-canary"])["services"][0]
    held = [s.get("deploymentConfiguration") for s in (canary, described)]
    gap("ECS CreateService/DescribeServices drop deploymentConfiguration (strategy, bake time, canary and linear steps, alarms, circuit breaker)", held == [None, None], f"returned: {held}")
    err = fails(lambda: ecs.list_service_deployments(cluster="gap-probe", service="gap-probe"))
    gap("ECS ListServiceDeployments", err, err or "answered")
    err = fails(lambda: ecs.describe_service_deployments(serviceDeploymentArns=[svc["serviceArn"].replace(":service/", ":service-deployment/") + "/x"]))
    gap("ECS DescribeServiceDeployments", err, err or "answered")

    arn = aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/gap-probe/gap-probe",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=2,
        Tags={"Probe": "yes"},
    )["ScalableTargetARN"]
    err = fails(lambda: aas.list_tags_for_resource(ResourceARN=arn))
    gap("Application Auto Scaling ListTagsForResource", err, err or "answered")
    err = fails(lambda: aas.tag_resource(ResourceARN=arn, Tags={"More": "yes"}))
    gap("Application Auto Scaling TagResource", err, err or "answered")
    err = fails(lambda: aas.untag_resource(ResourceARN=arn, TagKeys=["Probe"]))
    gap("Application Auto Scaling UntagResource", err, err or "answered")

    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_security_group(GroupName="gap-probe-a", Description="probe", VpcId=vpc)["GroupId"]
    b = ec2.create_security_group(GroupName="gap-probe-b", Description="probe", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=a,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": b, "Description": "probe"}]}],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [a]}])["SecurityGroupRules"]
    described = [r.get("Description") for r in rules if not r["IsEgress"]]
    gap("EC2 DescribeSecurityGroupRules drops the description of a rule that references a security group", described == [None], f"descriptions: {described}")

    v6 = ec2.create_vpc(CidrBlock="10.98.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ec2.describe_vpcs(VpcIds=[v6["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    sub = ec2.create_subnet(VpcId=v6["VpcId"], CidrBlock="10.98.0.0/24", Ipv6CidrBlock=block.replace("::/56", "::/64"))["Subnet"]
    states = [a["Ipv6CidrBlockState"]["State"] for a in sub.get("Ipv6CidrBlockAssociationSet", [])]
    states += [a["Ipv6CidrBlockState"]["State"] for a in ec2.describe_subnets(SubnetIds=[sub["SubnetId"]])["Subnets"][0].get("Ipv6CidrBlockAssociationSet", [])]
    gap("EC2 CreateSubnet/DescribeSubnets write a subnet's IPv6 association state as {'State': ...} instead of the state", states and all(x != "associated" for x in states), f"states: {states}")

    sqs = client("sqs", url, region)
    dlq = sqs.create_queue(QueueName="gap-probe-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName="gap-probe-src")["QueueUrl"]
    sent = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": sent})
    held = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["All"])["Attributes"].get("RedrivePolicy")
    gap("SQS GetQueueAttributes answers RedrivePolicy with other JSON spacing than was set", held != sent, f"set {sent}, got {held}")
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [dlq_arn]})})
    err = fails(lambda: sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["RedriveAllowPolicy"]))
    held = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"].get("RedriveAllowPolicy")
    gap("SQS SetQueueAttributes/GetQueueAttributes know no RedriveAllowPolicy", err or held is None, err or f"All: {held}")

    logs = client("logs", url, region)
    err = fails(lambda: logs.put_query_definition(name="gap-probe", queryString="fields @message"))
    gap("CloudWatch Logs PutQueryDefinition", err, err or "answered")
    err = fails(lambda: logs.describe_query_definitions())
    gap("CloudWatch Logs DescribeQueryDefinitions", err, err or "answered")

    s3.create_bucket(Bucket="gap-probe", CreateBucketConfiguration={"Tags": [{"Key": "Probe", "Value": "yes"}]})
    err = fails(lambda: s3.get_bucket_tagging(Bucket="gap-probe"))
    gap("S3 CreateBucket drops the Tags of CreateBucketConfiguration", err, err or "tags kept")

    # Smithy RPC v2 CBOR, which aws-sdk-go-v2 uses for CloudWatch; botocore does not speak it, so ask by hand.
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        f"{url}/service/GraniteServiceVersion20100801/operation/ListMetrics",
        data=bytes([0xA0]),
        method="POST",
        headers={
            "smithy-protocol": "rpc-v2-cbor",
            "content-type": "application/cbor",
            "accept": "application/cbor",
            "authorization": f"AWS4-HMAC-SHA256 Credential=e2e/20260101/{region}/monitoring/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            status, ctype = res.status, res.headers.get("content-type", "")
    except urllib.error.HTTPError as e:
        status, ctype = e.code, e.headers.get("content-type", "")
    gap("CloudWatch over Smithy RPC v2 CBOR", not (status == 200 and ctype.startswith("application/cbor")), f"HTTP {status} {ctype}")
    return {"gaps": out}


def failed_runs(url, region, rule, log_group, policy, metric_filter, alarm):
    events = client("events", url, region)
    logs = client("logs", url, region)
    cw = client("cloudwatch", url, region)
    rules = [r for r in events.list_rules(NamePrefix=rule).get("Rules", []) if r["Name"] == rule]
    targets = events.list_targets_by_rule(Rule=rule).get("Targets", []) if rules else []
    groups = [g for g in logs.describe_log_groups(logGroupNamePrefix=log_group).get("logGroups", []) if g["logGroupName"] == log_group]
    policies = [p for p in logs.describe_resource_policies().get("resourcePolicies", []) if p["policyName"] == policy]
    filters = [
        {"name": f["filterName"], "pattern": f["filterPattern"], "metrics": f.get("metricTransformations", [])}
        for f in logs.describe_metric_filters(logGroupName=log_group).get("metricFilters", [])
    ] if groups else []
    alarms = [
        {"name": a["AlarmName"], "metricName": a.get("MetricName"), "namespace": a.get("Namespace"), "threshold": a.get("Threshold"), "actions": a.get("AlarmActions", [])}
        for a in cw.describe_alarms(AlarmNames=[alarm]).get("MetricAlarms", [])
    ]
    return {
        "rule": {"arn": rules[0]["Arn"], "state": rules[0].get("State"), "pattern": rules[0].get("EventPattern")} if rules else None,
        "targets": [{"id": t["Id"], "arn": t["Arn"]} for t in targets],
        "logGroup": {"arn": groups[0]["arn"], "retention": groups[0].get("retentionInDays")} if groups else None,
        "resourcePolicy": policies[0]["policyDocument"] if policies else None,
        "metricFilters": filters,
        "metricFilterName": metric_filter,
        "alarms": alarms,
    }


def schedule(url, region, name, sg_name):
    """The schedule's ECS target as the scheduler holds it, and the IDs of security groups named sg_name."""
    sch = client("scheduler", url, region)
    ec2 = client("ec2", url, region)
    try:
        target = sch.get_schedule(Name=name)["Target"]
    except sch.exceptions.ResourceNotFoundException:
        target = None
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [sg_name]}]).get("SecurityGroups", [])
    return {"target": target, "securityGroupIds": [g["GroupId"] for g in groups]}


def main():
    url, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "inventory":
        out = inventory(url, args)
    elif cmd == "import-certificate":
        out = import_certificate(url, *args)
    elif cmd == "create-hosted-zone":
        out = create_hosted_zone(url, *args)
    elif cmd == "domain":
        out = domain(url, *args)
    elif cmd == "disable-deletion-protection":
        out = disable_deletion_protection(url, *args)
    elif cmd == "traffic-shift":
        out = traffic_shift(url, *args)
    elif cmd == "failed-runs":
        out = failed_runs(url, *args)
    elif cmd == "schedule":
        out = schedule(url, *args)
    elif cmd == "gaps":
        out = gaps(url, *args)
    else:
        raise SystemExit(f"unknown command {cmd}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
