"""Calls one client-auth method with a request serialized by the caller and prints what
Python's stock tooling reads from the error: grpc_status.rpc_status.from_call(). It proves
a Python client needs no client-auth code to get the reason and the field at fault.

The request is sent as raw protobuf bytes (--request, base64), so no generated Python code
for the client-auth API is needed.
"""
import argparse
import base64
import json
import sys

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--method", required=True)
    parser.add_argument("--request", required=True, help="the serialized request, base64")
    args = parser.parse_args()

    with grpc.insecure_channel(args.address) as channel:
        call = channel.unary_unary(args.method)  # no serializers: bytes in, bytes out
        try:
            call(base64.b64decode(args.request), timeout=10)
        except grpc.RpcError as error:
            status = rpc_status.from_call(error)
            if status is None:
                print("the error carries no grpc-status-details-bin", file=sys.stderr)
                return 1
            report = {"code": error.code().value[0], "message": status.message, "violations": []}
            for detail in status.details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    report.update(reason=info.reason, domain=info.domain, metadata=dict(info.metadata))
                elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad_request = error_details_pb2.BadRequest()
                    detail.Unpack(bad_request)
                    report["violations"] += [
                        {"field": v.field, "description": v.description} for v in bad_request.field_violations
                    ]
            print(json.dumps(report))
            return 0
    print("the call succeeded; expected an error", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
