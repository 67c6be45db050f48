import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError, matches, validatePattern } from '../../../../local/eventbridge/pattern';

type Case = [name: string, pattern: Record<string, unknown>, event: unknown, expected: boolean];

const check = (pattern: Record<string, unknown>, event: unknown, expected: boolean) =>
  expect(matches(pattern, event)).toBe(expected);

// The EC2 event of "Amazon EventBridge event patterns"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// The Auto Scaling event of the same page and of "Matching null values and empty strings in Amazon
// EventBridge event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html).
const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

// The example event of aws/event-ruler's README (https://github.com/aws/event-ruler), the library
// EventBridge matches with; its patterns are the ones the content-filtering page shows.
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});

describe('event patterns (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html)', () => {
  const terminated = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };

  it.each<Case>([
    ['the instance-termination pattern matches the EC2 event', terminated, ec2Event, true],
    ['it does not match another state', terminated, { ...ec2Event, detail: { state: 'running' } }, false],
    ['it does not match another source', terminated, { ...ec2Event, source: 'aws.fargate' }, false],
    ['a value list is an OR (aws.ec2 or aws.fargate)', { source: ['aws.ec2', 'aws.fargate'] }, ec2Event, true],
    ['a value list is an OR, no value matching', { source: ['aws.ec2', 'aws.fargate'] }, { source: 'aws.s3' }, false],
    [
      'every field named in the pattern must be in the event',
      { source: ['aws.ec2'], detail: { 'instance-type': ['t3.micro'] } },
      ec2Event,
      false,
    ],
    [
      'fields must be nested as in the pattern',
      { state: ['terminated'] },
      ec2Event, // state is under detail, not at the top
      false,
    ],
    [
      'field matching on null (responseElements)',
      {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance Launch Successful'],
        detail: { responseElements: [null] },
      },
      autoScalingEvent,
      true,
    ],
    ['strings match case-sensitively', { source: ['AWS.EC2'] }, ec2Event, false],
  ])('%s', (_, pattern, event, expected) => check(pattern, event, expected));

  // Value matching: the Macie alert, truncated as on the page.
  const macieAlert = {
    version: '0',
    id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
    'detail-type': 'Macie Alert',
    source: 'aws.macie',
    account: '123456789012',
    time: '2017-04-24T22:28:49Z',
    region: 'us-east-1',
    resources: [
      'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
      'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
    ],
    detail: {
      'notification-type': 'ALERT_CREATED',
      name: 'Scanning bucket policies',
      tags: ['Custom_Alert', 'Insider'],
      'risk-score': 80,
      trigger: {
        'rule-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
        'alert-type': 'basic',
        risk: 8,
      },
    },
  };
  const riskPattern = {
    source: ['aws.macie'],
    'detail-type': ['Macie Alert'],
    detail: { 'risk-score': [80], trigger: { risk: [8] } },
  };

  it('value matching: risk score 80 and trigger risk 8 match the Macie alert', () =>
    check(riskPattern, macieAlert, true));
  it('value matching: another trigger risk does not match', () =>
    check(riskPattern, { ...macieAlert, detail: { ...macieAlert.detail, trigger: { risk: 7 } } }, false));

  // The page's summary table of comparison operators, each on a small event.
  it.each<Case>([
    ['Null: UserID is null', { UserID: [null] }, { UserID: null }, true],
    ['Null: UserID is not null', { UserID: [null] }, { UserID: 'u-1' }, false],
    ['Empty: LastName is empty', { LastName: [''] }, { LastName: '' }, true],
    ['Empty: LastName is not empty', { LastName: [''] }, { LastName: 'Doe' }, false],
    ['Equals: Name is "Alice"', { Name: ['Alice'] }, { Name: 'Alice' }, true],
    ['Equals: Name is not "Alice"', { Name: ['Alice'] }, { Name: 'Bob' }, false],
    [
      'And: both fields match',
      { Location: ['New York'], Day: ['Monday'] },
      { Location: 'New York', Day: 'Monday' },
      true,
    ],
    [
      'And: one field differs',
      { Location: ['New York'], Day: ['Monday'] },
      { Location: 'New York', Day: 'Friday' },
      false,
    ],
    ['Or: PaymentType is Debit', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' }, true],
    ['Or: PaymentType is Cash', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Cash' }, false],
    ['Not: Weather is Sunny', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Sunny' }, true],
    ['Not: Weather is Raining', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Raining' }, false],
    ['Numeric (equals): Price is 100', { Price: [{ numeric: ['=', 100] }] }, { Price: 100 }, true],
    ['Numeric (equals): Price is 100.5', { Price: [{ numeric: ['=', 100] }] }, { Price: 100.5 }, false],
    ['Numeric (range): Price 20 is in (10, 20]', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 20 }, true],
    [
      'Numeric (range): Price 10 is not in (10, 20]',
      { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      { Price: 10 },
      false,
    ],
    [
      'Numeric (range): Price 21 is not in (10, 20]',
      { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      { Price: 21 },
      false,
    ],
    ['Exists: ProductName exists', { ProductName: [{ exists: true }] }, { ProductName: 'Pen' }, true],
    ['Exists: ProductName is missing', { ProductName: [{ exists: true }] }, { Other: 1 }, false],
    ['Does not exist: ProductName is missing', { ProductName: [{ exists: false }] }, { Other: 1 }, true],
    ['Does not exist: ProductName is there', { ProductName: [{ exists: false }] }, { ProductName: 'Pen' }, false],
    ['Begins with: Region is in the US', { Region: [{ prefix: 'us-' }] }, { Region: 'us-east-1' }, true],
    ['Begins with: Region is in the EU', { Region: [{ prefix: 'us-' }] }, { Region: 'eu-west-1' }, false],
  ])('%s', (_, pattern, event, expected) => check(pattern, event, expected));

  it('numbers compare by value in exact matching (300 and 3.0e2)', () => {
    check(JSON.parse('{"detail": {"x-limit": [300]}}'), JSON.parse('{"detail": {"x-limit": 3.0e2}}'), true);
    check({ detail: { 'x-limit': [300] } }, { detail: { 'x-limit': '300' } }, false);
  });
});

describe('null values and empty strings (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html)', () => {
  it.each<Case>([
    ['eventVersion [""] matches the empty string', { detail: { eventVersion: [''] } }, autoScalingEvent, true],
    ['responseElements [null] matches null', { detail: { responseElements: [null] } }, autoScalingEvent, true],
    ['an empty-string pattern does not match null', { detail: { responseElements: [''] } }, autoScalingEvent, false],
    ['a null pattern does not match the empty string', { detail: { eventVersion: [null] } }, autoScalingEvent, false],
  ])('%s', (_, pattern, event, expected) => check(pattern, event, expected));
});

describe('arrays (https://docs.aws.amazon.com/eventbridge/latest/userguide/arrays-in-eventbridge-event-patterns.html)', () => {
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };

  it('matches when the pattern array and the event array intersect', () =>
    check(
      pattern,
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      true,
    ));
  it('does not match when they do not intersect', () =>
    check(pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, false));
  it('does not match an empty event array', () => check(pattern, { resources: [] }, false));

  // Array-consistent matching, from the "JSON Array Matching" section of the Event Ruler README.
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  it('matches a field of an object inside an array', () =>
    check({ employees: { firstName: ['Anna'] } }, employees, true));
  it('matches through nested arrays', () =>
    check(
      { employees: { firstName: ['Anna'] } },
      { employees: [[employees.employees[0], employees.employees[1]], [employees.employees[2]]] },
      true,
    ));
  it('never combines fields from different array elements', () =>
    check({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees, false));
  it('combines fields from the same array element', () =>
    check({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees, true));
});

describe('content filtering (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html, operators table: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html)', () => {
  it.each<Case>([
    [
      'prefix "2017-10-02" matches the time',
      { time: [{ prefix: '2017-10-02' }] },
      { time: '2017-10-02T18:43:48Z' },
      true,
    ],
    [
      'prefix "2017-10-02" does not match another day',
      { time: [{ prefix: '2017-10-02' }] },
      { time: '2017-10-03T00:00:00Z' },
      false,
    ],
    ['prefix is case-sensitive', { Region: [{ prefix: 'us-' }] }, { Region: 'US-EAST-1' }, false],
    ['prefix only applies to strings', { code: [{ prefix: '4' }] }, { code: 404 }, false],
  ])('prefix: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  const prefixIgnoreCase = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
  it.each<Case>([
    ['EventBridge', prefixIgnoreCase, { detail: { service: 'EventBridge' } }, true],
    ['EVENTBRIDGE', prefixIgnoreCase, { detail: { service: 'EVENTBRIDGE' } }, true],
    ['eventbridge', prefixIgnoreCase, { detail: { service: 'eventbridge' } }, true],
    ['Amazon EventBridge (not at the start)', prefixIgnoreCase, { detail: { service: 'Amazon EventBridge' } }, false],
    [
      'eventb without ignore-case',
      { detail: { service: [{ prefix: 'EventB' }] } },
      { detail: { service: 'eventbridge' } },
      false,
    ],
  ])('prefix equals-ignore-case "EventB": %s', (_, pattern, event, expected) => check(pattern, event, expected));

  it.each<Case>([
    ['".png" matches image.png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['".png" does not match image.jpg', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' }, false],
    ['".png" does not match image.PNG', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false],
    [
      'equals-ignore-case ".png" matches image.PNG',
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      { detail: { FileName: 'image.PNG' } },
      true,
    ],
    [
      'equals-ignore-case ".png" does not match image.jpg',
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      { detail: { FileName: 'image.jpg' } },
      false,
    ],
    [
      'equals-ignore-case "tBridge" matches EVENTBRIDGE',
      { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
      { service: 'EVENTBRIDGE' },
      true,
    ],
  ])('suffix: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  it.each<Case>([
    [
      '"initializing" excludes initializing',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    [
      '"initializing" lets running through',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      rulerEvent,
      true,
    ],
    ['123 excludes 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }), false],
    ['123 lets 301.8 through', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, rulerEvent, true],
    [
      'a string list excludes each value',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      withDetail({ state: 'overloaded' }),
      false,
    ],
    [
      'a string list lets others through',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      rulerEvent,
      true,
    ],
    [
      'a number list excludes each value',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      withDetail({ 'x-limit': 200 }),
      false,
    ],
    [
      'a number list lets others through',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      rulerEvent,
      true,
    ],
    [
      'a missing field never matches',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      { detail: {} },
      false,
    ],
    [
      'an array value matches if one element is not excluded',
      { detail: { state: [{ 'anything-but': 'stopped' }] } },
      { detail: { state: ['stopped', 'running'] } },
      true,
    ],
    [
      'prefix "init" excludes initializing',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    [
      'prefix "init" lets running through',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      rulerEvent,
      true,
    ],
    [
      'prefix "us-" excludes us-east-1',
      { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      { Region: 'us-east-1' },
      false,
    ],
    [
      'prefix "us-" lets eu-west-1 through',
      { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      { Region: 'eu-west-1' },
      true,
    ],
    [
      'suffix ".png" excludes a.png',
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      { FileName: 'a.png' },
      false,
    ],
    [
      'suffix ".png" lets a.txt through',
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      { FileName: 'a.txt' },
      true,
    ],
    [
      'equals-ignore-case "initializing" excludes INITIALIZING',
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      { state: 'INITIALIZING' },
      false,
    ],
    [
      'equals-ignore-case "initializing" lets running through',
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      { state: 'running' },
      true,
    ],
    [
      'equals-ignore-case list excludes Stopped',
      { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      { state: 'Stopped' },
      false,
    ],
    [
      'wildcard "*/lib/*" excludes /usr/lib/libc.so',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/lib/libc.so' },
      false,
    ],
    [
      'wildcard "*/lib/*" lets /usr/bin/env through',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/bin/env' },
      true,
    ],
  ])('anything-but: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  const numeric = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  it.each<Case>([
    ['the example event (c 5, d 3, x 301.8) matches', numeric, rulerEvent, true],
    ['c-count 0 is outside (0, 5]', numeric, withDetail({ 'c-count': 0 }), false],
    ['c-count 6 is outside (0, 5]', numeric, withDetail({ 'c-count': 6 }), false],
    ['d-count 10 is not < 10', numeric, withDetail({ 'd-count': 10 }), false],
    ['x-limit 301.9 is not = 3.018e2', numeric, withDetail({ 'x-limit': 301.9 }), false],
    ['a numeric string is not a number', numeric, withDetail({ 'c-count': '5' }), false],
    ['>= includes its bound', { n: [{ numeric: ['>=', 5] }] }, { n: 5 }, true],
    ['< excludes its bound', { n: [{ numeric: ['<', 5] }] }, { n: 5 }, false],
  ])('numeric: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  it.each<Case>([
    [
      '10.0.0.0/24 matches 10.0.0.255',
      { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      { detail: { sourceIPAddress: '10.0.0.255' } },
      true,
    ],
    [
      '10.0.0.0/24 matches 10.0.0.0',
      { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      { detail: { sourceIPAddress: '10.0.0.0' } },
      true,
    ],
    [
      '10.0.0.0/24 does not match 10.0.1.1',
      { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      { detail: { sourceIPAddress: '10.0.1.1' } },
      false,
    ],
    [
      'not an address does not match',
      { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      { detail: { sourceIPAddress: 'localhost' } },
      false,
    ],
    ['IPv6: 2001:db8::/32 matches 2001:db8::1', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1' }, true],
    [
      'IPv6: 2001:db8::/32 does not match 2001:db9::1',
      { ip: [{ cidr: '2001:db8::/32' }] },
      { ip: '2001:db9::1' },
      false,
    ],
  ])('IP address: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  // Exists matching: the events the page shows (the second one is written as on the page, with arrays).
  const pendingEvent = {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2015-11-11T21:29:54Z',
    region: 'us-east-1',
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
    detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
  };
  const cCountObjectEvent = {
    'detail-type': ['EC2 Instance State-change Notification'],
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    detail: { 'c-count': { c1: 100 } },
  };
  const noCCountEvent = {
    'detail-type': ['EC2 Instance State-change Notification'],
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    detail: { state: ['initializing', 'running'] },
  };
  it.each<Case>([
    ['state exists in the pending event', { detail: { state: [{ exists: true }] } }, pendingEvent, true],
    ['state does not exist in the c-count event', { detail: { state: [{ exists: true }] } }, cCountObjectEvent, false],
    ['c-count is absent', { detail: { 'c-count': [{ exists: false }] } }, noCCountEvent, true],
    [
      'c-count holding an object is not a leaf, so it counts as absent',
      { detail: { 'c-count': [{ exists: false }] } },
      cCountObjectEvent,
      true,
    ],
    ['exists:false fails when the leaf is there', { detail: { 'c-count': [{ exists: false }] } }, rulerEvent, false],
    [
      'exists:false matches when the parent is missing too',
      { detail: { 'c-count': [{ exists: false }] } },
      { source: 'x' },
      true,
    ],
    [
      'exists:true on a null leaf (null is a value)',
      { detail: { v: [{ exists: true }] } },
      { detail: { v: null } },
      true,
    ],
  ])('exists: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  it.each<Case>([
    ['"alice" matches Alice', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
    ['"alice" matches ALICE', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['"alice" does not match Alicia', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' }, false],
  ])('equals-ignore-case: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  it.each<Case>([
    [
      '"dir/*.png" matches dir/image.png',
      { FileName: [{ wildcard: 'dir/*.png' }] },
      { FileName: 'dir/image.png' },
      true,
    ],
    [
      '"dir/*.png" matches dir/a/b.png (* crosses /)',
      { FileName: [{ wildcard: 'dir/*.png' }] },
      { FileName: 'dir/a/b.png' },
      true,
    ],
    [
      '"dir/*.png" does not match other/image.png',
      { FileName: [{ wildcard: 'dir/*.png' }] },
      { FileName: 'other/image.png' },
      false,
    ],
    [
      '"dir/*.png" does not match dir/image.jpg',
      { FileName: [{ wildcard: 'dir/*.png' }] },
      { FileName: 'dir/image.jpg' },
      false,
    ],
    [
      '"dir/*.png" is anchored at the start',
      { FileName: [{ wildcard: 'dir/*.png' }] },
      { FileName: 'a/dir/x.png' },
      false,
    ],
    [
      '"dir/*.png" is anchored at the end',
      { FileName: [{ wildcard: 'dir/*.png' }] },
      { FileName: 'dir/x.png.bak' },
      false,
    ],
    [
      '"Simple*Service" matches SimpleNotificationService',
      { source: [{ wildcard: 'Simple*Service' }] },
      { source: 'SimpleNotificationService' },
      true,
    ],
    [
      'an escaped \\* matches a literal *',
      { FileName: [{ wildcard: 'dir/\\*.png' }] },
      { FileName: 'dir/*.png' },
      true,
    ],
    [
      'an escaped \\* is not a wildcard',
      { FileName: [{ wildcard: 'dir/\\*.png' }] },
      { FileName: 'dir/image.png' },
      false,
    ],
    ['\\\\ stands for one backslash', { p: [{ wildcard: 'a\\\\*' }] }, { p: 'a\\b' }, true],
    ['regular-expression characters are literal', { p: [{ wildcard: 'a.c*' }] }, { p: 'abc' }, false],
  ])('wildcard: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  const complex = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
    },
  };
  it.each<Case>([
    ['the example event matches the combined pattern', complex, rulerEvent, true],
    ['one failing condition (state initializing) fails it', complex, withDetail({ state: 'initializing' }), false],
    ['one failing condition (x-limit 300) fails it', complex, withDetail({ 'x-limit': 300 }), false],
    ['one failing condition (another day) fails it', complex, { ...rulerEvent, time: '2017-10-03T16:24:49Z' }, false],
  ])('complex example: %s', (_, pattern, event, expected) => check(pattern, event, expected));

  it('a key given twice: only the last one counts', () => {
    const pattern = JSON.parse(
      '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}',
    );
    check(pattern, { detail: { location: 'eu-west' } }, true);
    check(pattern, { detail: { location: 'us-east' } }, false);
  });
});

describe('$or (Event Ruler README, "The $or Primitive"; https://docs.aws.amazon.com/notifications/latest/userguide/common-usecases.html)', () => {
  const normalOr = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const orWithAnd = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
      { scope: ['Service'] },
    ],
  };
  const nestedOr = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      {
        metricType: ['MetricType'],
        namespace: ['AWS/EC2', 'AWS/ES'],
        $or: [{ metricId: [1234] }, { spaceId: [1000] }],
      },
      { scope: ['Service'] },
    ],
  };
  const parallelOr = {
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
  };
  const detailOr = {
    detail: {
      $or: [
        { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
        { 'd-count': [{ numeric: ['<', 10] }] },
        { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
      ],
    },
  };
  const cw = { source: 'aws.cloudwatch' };

  it.each<Case>([
    ['source && (metricName || namespace): metricName', normalOr, { ...cw, metricName: 'ReadLatency' }, true],
    ['source && (metricName || namespace): namespace', normalOr, { ...cw, namespace: 'AWS/ES' }, true],
    [
      'source && (metricName || namespace): neither',
      normalOr,
      { ...cw, metricName: 'Other', namespace: 'AWS/S3' },
      false,
    ],
    ['source && (...): wrong source', normalOr, { source: 'aws.ec2', metricName: 'ReadLatency' }, false],
    ['an AND inside an OR: both fields', orWithAnd, { ...cw, metricType: 'MetricType', namespace: 'AWS/EC2' }, true],
    ['an AND inside an OR: one field only', orWithAnd, { ...cw, metricType: 'MetricType' }, false],
    ['an AND inside an OR: third branch', orWithAnd, { ...cw, scope: 'Service' }, true],
    ['nested OR: metricId', nestedOr, { ...cw, metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 1234 }, true],
    ['nested OR: spaceId', nestedOr, { ...cw, metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }, true],
    ['nested OR: neither id', nestedOr, { ...cw, metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 }, false],
    [
      'parallel ORs: both hold',
      parallelOr,
      { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
      true,
    ],
    ['parallel ORs: only the first holds', parallelOr, { namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } }, false],
    ['inside detail: c-count alone', detailOr, { detail: { 'c-count': 3 } }, true],
    ['inside detail: x-limit alone', detailOr, { detail: { 'x-limit': 301.8 } }, true],
    ['inside detail: none in range', detailOr, { detail: { 'c-count': 9, 'd-count': 10, 'x-limit': 1 } }, false],
    [
      'EC2 state running or terminated: terminated',
      { detail: { $or: [{ state: ['running'] }, { state: ['terminated'] }] } },
      ec2Event,
      true,
    ],
    [
      'EC2 state running or terminated: stopped',
      { detail: { $or: [{ state: ['running'] }, { state: ['terminated'] }] } },
      { ...ec2Event, detail: { state: 'stopped' } },
      false,
    ],
  ])('%s', (_, pattern, event, expected) => check(pattern, event, expected));
});

describe('invalid patterns are refused (Event Ruler JsonRuleCompiler rules)', () => {
  it.each<[string, unknown]>([
    ['not an object', ['source']],
    ['null', null],
    ['an empty object', {}],
    ['an empty nested object', { detail: {} }],
    ['a bare value instead of a list', { source: 'aws.ec2' }],
    ['an empty value list', { source: [] }],
    ['a nested list of values', { source: [['aws.ec2']] }],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }],
    ['two operators in one expression', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['an empty expression', { source: [{}] }],
    ['a non-string prefix', { source: [{ prefix: 1 }] }],
    ['prefix with an unknown option', { source: [{ prefix: { 'equals-case': 'a' } }] }],
    ['a non-string equals-ignore-case', { source: [{ 'equals-ignore-case': ['a'] }] }],
    ['a non-boolean exists', { source: [{ exists: 'yes' }] }],
    ['numeric that is not a list', { n: [{ numeric: '>' }] }],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 1] }] }],
    ['numeric with a string operand', { n: [{ numeric: ['>', '1'] }] }],
    ['numeric range in the wrong order', { n: [{ numeric: ['<', 5, '>', 0] }] }],
    ['numeric range with bottom >= top', { n: [{ numeric: ['>', 5, '<', 5] }] }],
    ['numeric range with a lower second operator', { n: [{ numeric: ['>', 0, '>', 5] }] }],
    ['numeric with too many terms', { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }],
    ['numeric out of range', { n: [{ numeric: ['>', 1e10] }] }],
    ['anything-but with a mixed list', { s: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }],
    ['anything-but with a boolean', { s: [{ 'anything-but': true }] }],
    ['anything-but with an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }],
    ['anything-but with an unsupported operator', { s: [{ 'anything-but': { exists: true } }] }],
    ['a wildcard with consecutive stars', { s: [{ wildcard: 'a**b' }] }],
    ['a wildcard escaping another character', { s: [{ wildcard: 'a\\b' }] }],
    ['a CIDR prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }],
    ['a CIDR without prefix', { ip: [{ cidr: '10.0.0.1' }] }],
    ['a CIDR that is not an address', { ip: [{ cidr: 'example.com/8' }] }],
    ['$or that is not a list', { $or: { a: ['1'] } }],
    ['$or with one branch', { $or: [{ a: ['1'] }] }],
    ['$or with a non-object branch', { $or: [{ a: ['1'] }, 'b'] }],
    ['$or with an operator as field name', { $or: [{ numeric: ['1'] }, { prefix: ['a'] }] }],
  ])('%s', (_, pattern) => {
    expect(() => validatePattern(pattern)).toThrow(InvalidEventPatternError);
    expect(() => matches(pattern, {})).toThrow(InvalidEventPatternError);
  });

  it('names the reason and the field', () => {
    expect(() => validatePattern({ detail: { 'c-count': [{ numeric: ['>', 'zero'] }] } })).toThrow(
      'Event pattern is not valid. Reason: Value of > must be numeric (at "detail.c-count")',
    );
  });

  it('accepts every pattern the documentation shows', () => {
    expect(() =>
      validatePattern({
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': { prefix: 'init' } }, { exists: false }],
          service: [{ prefix: { 'equals-ignore-case': 'EventB' } }, { suffix: { 'equals-ignore-case': 'tBridge' } }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }, { 'anything-but': [100, 200, 300] }],
          FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }, { wildcard: 'dir/\\*.png' }],
          ip: [{ cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }],
          $or: [{ a: [null, true, 1, ''] }, { b: [{ 'anything-but': { 'equals-ignore-case': ['x', 'y'] } }] }],
        },
      }),
    ).not.toThrow();
  });
});
