/** Copy of catalog/compute/eks-container-app.yaml, kept here so catalog edits do not change these tests. */
export const EKS = `# yaml-language-server: $schema=../../schemas/catalog-item.schema.json
kind: CatalogItem
name: eks-container-app
version: 1.2.0
description: Managed Kubernetes application deployment
owner: platform-compute-team
tags: [containers, kubernetes, compute]
presentation:
  fields:
    - name: app_name
      type: string
      required: true
      max_length: 50
      min_length: 3
      regexp: "^[a-z][a-z0-9-]*$"
      help_text: Application name (lowercase alphanumeric with hyphens)
    - name: environment
      type: selection
      oneof: [dev, staging, prod]
      required: true
      help_text: Target deployment environment
    - name: replicas
      type: integer
      min_value: 1
      max_value: 10
      default: 2
      help_text: Number of replicas to deploy
    - name: app_type
      type: selection
      oneof: [web-frontend, api, worker]
      default: api
      help_text: What kind of workload this is
    - name: prod_change_ticket
      type: string
      required: true
      regexp: "^CHG-[0-9]+$"
      conditional:
        field: environment
        value: prod
      help_text: Change ticket, needed for production deployments only
fulfillment:
  retry_policy:
    max_attempts: 3
    backoff_strategy: exponential
    initial_delay: 30s
  actions:
    - name: provision_infrastructure
      type: TerraformFile
      template:
        module_source: ./modules/eks-app
        variables:
          app_name: "{{ app_name }}"
          environment: "{{ environment }}"
          replica_count: "{{ replicas }}"
          app_type: "{{ app_type }}"
      verification:
        type: terraform_state
        expected:
          required_outputs: [service_url]
`;
