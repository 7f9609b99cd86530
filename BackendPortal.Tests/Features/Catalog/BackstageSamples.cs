namespace BackendPortal.Features.Catalog;

/// <summary>Catalog files shaped like real ones (Backstage's own example catalog), with names unique per test.</summary>
public static class BackstageSamples
{
    public static string Catalog(string p) => $$"""
        # A comment before the first document, as catalog-info files often start.
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata:
          name: {{p}}-org
          description: The whole company
        spec:
          type: business-unit
          profile:
            displayName: {{p}} Org
          children: [{{p}}-payments]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata:
          name: {{p}}-payments
        spec:
          type: team
          profile:
            displayName: Payments Team
            email: payments@example.com
          parent: {{p}}-org
          children: []
        ---
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata:
          name: {{p}}-jdoe
        spec:
          profile:
            displayName: Jenny Doe
            email: jenny-doe@example.com
            picture: https://example.com/staff/jenny.jpeg
          memberOf: [{{p}}-payments]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Domain
        metadata:
          name: {{p}}-commerce
          title: Commerce
        spec:
          owner: group:default/{{p}}-org
        ---
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata:
          name: {{p}}-checkout
          description: Everything that takes money
          tags: [payments]
        spec:
          owner: {{p}}-payments
          domain: {{p}}-commerce
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {{p}}-orders
          title: Orders service
          description: Takes orders
          tags: [java, spring-boot]
          annotations:
            github.com/project-slug: example/orders
            backendportal.io/tier: "1"
          links:
            - url: https://runbooks.example.com/orders
              title: Orders runbook
              icon: help
        spec:
          type: service
          lifecycle: production
          owner: {{p}}-payments
          system: {{p}}-checkout
          dependsOn:
            - component:{{p}}-pricing
            - resource:default/{{p}}-orders-db
            - resource:{{p}}-orders-bucket
          providesApis: [{{p}}-orders-api]
          consumesApis: [api:{{p}}-pricing-api]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {{p}}-pricing
        spec:
          type: library
          lifecycle: experimental
          owner: group:{{p}}-payments
          providesApis: [{{p}}-pricing-api]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata:
          name: {{p}}-orders-api
          description: The orders REST API
        spec:
          type: openapi
          lifecycle: production
          owner: {{p}}-payments
          system: {{p}}-checkout
          definition: |
            openapi: "3.0.0"
            info:
              version: 1.0.0
              title: Orders
            paths:
              /orders:
                get:
                  summary: List orders
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata:
          name: {{p}}-pricing-api
        spec:
          type: grpc
          lifecycle: deprecated
          owner: {{p}}-payments
          definition:
            $text: https://example.com/pricing.proto
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Resource
        metadata:
          name: {{p}}-orders-db
          tags: [postgres]
        spec:
          type: database
          owner: {{p}}-payments
          system: {{p}}-checkout
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Resource
        metadata:
          name: {{p}}-orders-bucket
        spec:
          type: s3-bucket
          owner: {{p}}-payments
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata:
          name: {{p}}-more
        spec:
          targets: [./more/catalog-info.yaml]
        ---
        apiVersion: example.com/v1
        kind: Template
        metadata:
          name: {{p}}-template
        spec: {}
        """;
}
