package io.mcpegress.it;

/** The client contract for OkHttp 3.x (test app {@code okhttp3}, its own class path). */
class OkHttp3ContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "okhttp3";
    }
}
