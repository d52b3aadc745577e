"""Python's gql client against the server (run by the Go test TestClients).

It validates its queries against the SDL the server serves at
/schema.graphql, runs a query whose fields come through fragments on
interfaces, pages through a connection, and sends a batch.
"""

import json
import os
import sys
from importlib.metadata import version

import requests
from gql import Client, GraphQLRequest, gql
from gql.transport.requests import RequestsHTTPTransport
from graphql import GraphQLError

BASE = os.environ["PUENTE_URL"]

CARD = gql(
    """
    query PyCard($id: ID!) {
      node(id: $id) {
        id
        ... on Entity { name kind }
        ... on Person { positions { title } }
      }
    }
    """
)

PEOPLE = gql(
    """
    query PyPeople($after: String) {
      entities(filter: {kinds: [PERSON]}, first: 3, after: $after) {
        edges { node { id name } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
)


def main() -> None:
    sdl = requests.get(BASE + "/schema.graphql", timeout=30)
    sdl.raise_for_status()
    transport = RequestsHTTPTransport(url=BASE + "/query", timeout=30)
    # With the schema, gql checks every query before sending it.
    client = Client(transport=transport, schema=sdl.text)

    with client as session:
        li = session.execute(CARD, variable_values={"id": "person:li-zhanshu"})["node"]
        assert li["name"] and li["kind"] == "PERSON", li
        assert li["positions"], "the Person fragment's fields came through"

        people, after = [], None
        while True:
            page = session.execute(PEOPLE, variable_values={"after": after})["entities"]
            people += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(people) == len(set(people)) and len(people) > 3, people

        try:
            session.execute(gql("{ entity(id: \"org:xiaomi\") { salary } }"))
            raise AssertionError("a query off the schema was sent")
        except GraphQLError:
            pass

    ids = ["org:xiaomi", "country:peru", "person:li-zhanshu"]
    batch = client.execute_batch(
        [GraphQLRequest(CARD, variable_values={"id": i}) for i in ids]
    )
    assert [r["node"]["id"] for r in batch] == ids, batch

    print(
        "SUMMARY "
        + json.dumps(
            {
                "client": "gql",
                "version": version("gql"),
                "people": len(people),
                "batch": len(batch),
                "entity": f'{li["name"]} ({li["kind"]})',
            }
        )
    )


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("assertion failed:", e, file=sys.stderr)
        raise
