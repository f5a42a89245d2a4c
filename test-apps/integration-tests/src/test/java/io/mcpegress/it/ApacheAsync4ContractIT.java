package io.mcpegress.it;

/** The client contract for Apache HttpAsyncClient 4.1 (the Elasticsearch low-level REST client transport). */
class ApacheAsync4ContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "apache-async4";
    }
}
