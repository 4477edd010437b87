#!/usr/bin/env node
// Builds an Amplify Gen 1 API's `build/` folder (resolvers/, stacks/*.json,
// cloudformation-template.json, schema.graphql) with Amplify's own GraphQL
// transformer v2, offline, as `amplify api gql-compile` lays it out:
//   node gen.js <schema.graphql> <out build dir>
// Mapping templates are file assets at s3://<S3DeploymentBucket>/<S3DeploymentRootKey>/resolvers/<file>.
'use strict';
// A fixed clock: the API key's expiry is computed from it, and the fixture
// should not change on every run.
const FIXED_NOW = Date.parse('2026-01-01T00:00:00Z');
Date.now = () => FIXED_NOW;
const fs = require('fs');
const path = require('path');
const os = require('os');
const { executeTransform } = require('@aws-amplify/graphql-transformer');
const core = require('@aws-amplify/graphql-transformer-core');
const { defaultTransformParameters } = require('@aws-amplify/graphql-transformer-core/lib/transformer-context/transform-parameters');
const { App, Stack, NestedStack, CfnParameter, Fn } = require('aws-cdk-lib');

const [schemaFile, outDir] = process.argv.slice(2);
if (!schemaFile || !outDir) {
  console.error('usage: node gen.js SCHEMA.graphql OUT_BUILD_DIR');
  process.exit(2);
}
const schema = fs.readFileSync(schemaFile, 'utf8');
const authConfig = {
  defaultAuthentication: { authenticationType: 'AMAZON_COGNITO_USER_POOLS' },
  additionalAuthenticationProviders: [{ authenticationType: 'API_KEY', apiKeyConfig: { apiKeyExpirationDays: 7 } }],
};
const cdkOut = fs.mkdtempSync(path.join(os.tmpdir(), 'amplify-gen1-'));
const app = new App({ outdir: cdkOut, analyticsReporting: false });
const root = new Stack(app, 'root');
const bucket = new CfnParameter(root, 'S3DeploymentBucket', { type: 'String', description: 'An S3 Bucket name where assets are deployed' });
const rootKey = new CfnParameter(root, 'S3DeploymentRootKey', { type: 'String', description: 'An S3 key relative to the S3DeploymentBucket that points to the root of the deployment directory.' });
const files = new Map();
executeTransform({
  transformersFactoryArgs: {},
  authConfig,
  transformParameters: { ...defaultTransformParameters, sandboxModeEnabled: false, useSubUsernameForDefaultIdentityClaim: true, populateOwnerFieldForStaticGroupAuth: true },
  schema,
  scope: root,
  nestedStackProvider: { provide: (scope, name) => new NestedStack(scope, name) },
  assetProvider: {
    provide: (scope, id, props) => {
      files.set(props.fileName, props.fileContent);
      const key = Fn.join('/', [rootKey.valueAsString, props.fileName]);
      return {
        assetHash: id,
        httpUrl: Fn.join('/', ['https://s3.amazonaws.com', bucket.valueAsString, key]),
        s3BucketName: bucket.valueAsString,
        s3ObjectKey: key,
        s3ObjectUrl: Fn.join('/', ['s3:/', bucket.valueAsString, key]),
      };
    },
  },
  dataSourceStrategies: Object.fromEntries(
    [...schema.matchAll(/type\s+(\w+)\s+@model/g)].map((m) => [m[1], core.DDB_AMPLIFY_MANAGED_DATASOURCE_STRATEGY]),
  ),
  synthParameters: { amplifyEnvironmentName: 'NONE', apiName: 'blog', userPoolId: 'us-east-1_pool', adminRoles: [] },
  printTransformerLog: (l) => { if (l.level !== 'DEBUG') console.error(`${l.level}: ${l.message}`); },
});
const assembly = app.synth();
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(path.join(outDir, 'stacks'), { recursive: true });
const readTemplate = (file) => JSON.parse(fs.readFileSync(path.join(assembly.directory, file), 'utf8'));
const stackFiles = new Map();
const stackUrls = new Map();
for (const c of root.node.findAll()) {
  if (!(c instanceof NestedStack)) continue;
  stackFiles.set(c.templateFile, `stacks/${c.node.id}.json`);
  // As Amplify's own synthesizer writes it: the nested stack's template sits
  // beside the resolvers in the deployment bucket.
  stackUrls.set(root.getLogicalId(c.nestedStackResource), {
    'Fn::Join': ['/', ['https://s3.amazonaws.com', { Ref: 'S3DeploymentBucket' }, { Ref: 'S3DeploymentRootKey' }, 'stacks', `${c.node.id}.json`]],
  });
}
const rewrite = (v) => JSON.parse(JSON.stringify(v), (k, x) => (typeof x === 'string' && stackFiles.has(x) ? stackFiles.get(x) : x));
for (const [file, out] of stackFiles) {
  fs.writeFileSync(path.join(outDir, out), JSON.stringify(rewrite(readTemplate(file)), null, 4) + '\n');
}
const rootTemplate = readTemplate(root.templateFile);
for (const [id, url] of stackUrls) rootTemplate.Resources[id].Properties.TemplateURL = url;
// CDK's bootstrap check is not part of an Amplify Gen 1 stack.
delete rootTemplate.Rules;
delete rootTemplate.Parameters.BootstrapVersion;
fs.writeFileSync(path.join(outDir, 'cloudformation-template.json'), JSON.stringify(rootTemplate, null, 4) + '\n');
for (const [fileName, content] of [...files].sort()) {
  const p = path.join(outDir, fileName);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}
fs.rmSync(cdkOut, { recursive: true, force: true });
console.log(`${outDir}: ${stackFiles.size} stacks, ${files.size} files`);
