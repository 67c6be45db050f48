import { readFileSync } from 'node:fs';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Stage } from '../app-config';
import type { StateMachineSpec } from '../spec/state-machines';
import { PROJECT_ROOT } from './service-function';

/** `${Name}` placeholders of an ASL file, as CloudFormation's DefinitionSubstitutions sees them. */
export const placeholdersOf = (definition: string): string[] => [
  ...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string)),
];

export interface WorkflowProps {
  spec: StateMachineSpec;
  stage: Stage;
  /** Physical name: fixed so that functions can be given the machine's ARN without a reference (see StatelessStack). */
  stateMachineName: string;
  /** The Lambda function of each task placeholder. */
  tasks: Record<string, lambda.IFunction>;
}

/** A Standard state machine from an ASL file, its task placeholders substituted with the functions' ARNs. */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { spec, tasks } = props;
    const file = `${PROJECT_ROOT}${spec.file}`;
    const placeholders = placeholdersOf(readFileSync(file, 'utf8'));
    const missing = placeholders.filter((name) => !(name in tasks));
    const unused = Object.keys(tasks).filter((name) => !placeholders.includes(name));
    if (missing.length > 0 || unused.length > 0) {
      throw new Error(
        `${spec.file} and the ${spec.name} spec disagree: placeholders without a task [${missing.join(', ')}], tasks without a placeholder [${unused.join(', ')}]`,
      );
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.stage === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.ONE_WEEK,
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(file),
      definitionSubstitutions: Object.fromEntries(Object.entries(tasks).map(([name, fn]) => [name, fn.functionArn])),
      tracingEnabled: true,
      // Every transition, without the payloads (they carry customer data).
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The unqualified ARNs the definition names, not grantInvoke's `<arn>:*` (every version and alias).
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(tasks).map((fn) => fn.functionArn),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The statements on * are those Step Functions needs for its logs (CloudWatch Logs vended delivery) and X-Ray tracing, whose actions take no resource.',
    });
  }
}
