package io.mcpegress.it;

/** The client contract for OkHttp 4.x (test app {@code okhttp4}, its own class path). */
class OkHttp4ContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "okhttp4";
    }
}
