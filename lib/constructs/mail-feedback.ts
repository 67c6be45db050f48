import { Duration, Validations } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../spec/env';
import type { ServiceFunction } from './service-function';

export interface MailFeedbackProps {
  /** SES's bounces and complaints (the configuration set's event destination). */
  topic: sns.ITopic;
  /** The function that puts their addresses on the suppression list. */
  recorder: ServiceFunction;
  /** The function that sends email, which counts the emails it does not send in the stage's namespace. */
  notifier?: ServiceFunction;
  namespace: string;
}

/** Bounces and complaints to the suppression list: the topic's subscription, with a dead-letter queue of its own. */
export class MailFeedback extends Construct {
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: MailFeedbackProps) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      'This queue is the dead-letter queue of the bounce and complaint subscription: nothing is redriven from it.';
    Validations.of(this.deadLetters).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
    props.topic.addSubscription(
      new subscriptions.LambdaSubscription(props.recorder, { deadLetterQueue: this.deadLetters }),
    );
    props.notifier?.addEnvironment(ENV.metricsNamespace, props.namespace);
  }
}
