#!/usr/bin/env node
// A small AppSync API, synthesized offline into ./cdk.out by aws-cdk-lib:
//   npm ci && node app.js          (or CDK_OUTDIR=DIR node app.js)
// - Mutation.createPost: a pipeline resolver (VTL) with two functions,
//   `validate` on a NONE data source and `save` on a DynamoDB table;
// - Query.getPost: a unit resolver (VTL; CDK inlines MappingTemplate.fromFile);
// - Query.postsByAuthor: a unit resolver whose templates are S3 assets
//   (the request marked with `aws:asset:path`, the response only in the asset manifest);
// - Query.listPosts: an APPSYNC_JS resolver (code as an asset).
'use strict';
const path = require('path');
const cdk = require('aws-cdk-lib');
const appsync = require('aws-cdk-lib/aws-appsync');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const s3assets = require('aws-cdk-lib/aws-s3-assets');

const here = (...p) => path.join(__dirname, ...p);
const app = new cdk.App({
  outdir: process.env.CDK_OUTDIR || here('cdk.out'),
  analyticsReporting: false,
  // What `cdk synth` sets: asset and construct-path metadata on resources.
  context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true },
});
const stack = new cdk.Stack(app, 'BlogApi');

const api = new appsync.GraphqlApi(stack, 'Api', {
  name: 'blog',
  definition: appsync.Definition.fromFile(here('schema.graphql')),
  authorizationConfig: { defaultAuthorization: { authorizationType: appsync.AuthorizationType.IAM } },
});
const table = new dynamodb.Table(stack, 'Posts', {
  partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
});
table.addGlobalSecondaryIndex({ indexName: 'byAuthor', partitionKey: { name: 'author', type: dynamodb.AttributeType.STRING } });
const none = api.addNoneDataSource('none');
const posts = api.addDynamoDbDataSource('posts', table);
const vtl = (f) => appsync.MappingTemplate.fromFile(here('resolvers', f));

const validate = new appsync.AppsyncFunction(stack, 'Validate', {
  name: 'validate', api, dataSource: none,
  requestMappingTemplate: vtl('validate.req.vtl'), responseMappingTemplate: vtl('validate.res.vtl'),
});
const save = new appsync.AppsyncFunction(stack, 'Save', {
  name: 'save', api, dataSource: posts,
  requestMappingTemplate: vtl('save.req.vtl'), responseMappingTemplate: vtl('save.res.vtl'),
});
new appsync.Resolver(stack, 'CreatePost', {
  api, typeName: 'Mutation', fieldName: 'createPost', pipelineConfig: [validate, save],
  requestMappingTemplate: vtl('createPost.before.vtl'), responseMappingTemplate: vtl('createPost.after.vtl'),
});
posts.createResolver('GetPost', {
  typeName: 'Query', fieldName: 'getPost',
  requestMappingTemplate: vtl('getPost.req.vtl'), responseMappingTemplate: vtl('getPost.res.vtl'),
});
const byAuthorReq = new s3assets.Asset(stack, 'PostsByAuthorRequest', { path: here('resolvers', 'postsByAuthor.req.vtl') });
const byAuthorRes = new s3assets.Asset(stack, 'PostsByAuthorResponse', { path: here('resolvers', 'postsByAuthor.res.vtl') });
const byAuthor = new appsync.CfnResolver(stack, 'PostsByAuthor', {
  apiId: api.apiId, typeName: 'Query', fieldName: 'postsByAuthor', kind: 'UNIT',
  dataSourceName: posts.name,
  requestMappingTemplateS3Location: byAuthorReq.s3ObjectUrl,
  responseMappingTemplateS3Location: byAuthorRes.s3ObjectUrl,
});
byAuthorReq.addResourceMetadata(byAuthor, 'RequestMappingTemplateS3Location');
posts.createResolver('ListPosts', {
  typeName: 'Query', fieldName: 'listPosts',
  runtime: appsync.FunctionRuntime.JS_1_0_0,
  code: appsync.Code.fromAsset(here('resolvers', 'listPosts.js')),
});
app.synth();
